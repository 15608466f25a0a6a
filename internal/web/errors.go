package web

import (
	"errors"
	"net/http"

	"github.com/siyu-live/siyu"
	"github.com/siyu-live/siyu/internal/api"
)

// statusByCode maps error codes to the status of the error page; anything unknown is
// a conflict, as in the API.
var statusByCode = map[string]int{
	siyu.EINVALID:      http.StatusBadRequest,
	siyu.EUNAUTHORIZED: http.StatusUnauthorized,
	siyu.EFORBIDDEN:    http.StatusForbidden,
	siyu.ENOTFOUND:     http.StatusNotFound,
	siyu.ECONFLICT:     http.StatusConflict,
	siyu.ERATELIMITED:  http.StatusTooManyRequests,
	siyu.EINTERNAL:     http.StatusInternalServerError,
}

// knownMessages maps fixed English service messages to catalog keys, so the reasons a
// user most often sees are in their language. Messages not listed fall back to a
// translated frame around the English detail.
var knownMessages = map[string]string{
	"e-mail or password is wrong":                          "err.login_wrong",
	"this account is disabled; ask your administrator":     "err.account_disabled",
	"too many login attempts; wait a minute and try again": "err.login_rate",
	"email is required":                                    "err.email_required",
	"password is required":                                 "err.password_required",
	"your role may not manage staff":                       "err.forbidden_staff",
	"only an owner may create another owner":               "err.owner_only_create",
	"only an owner may change an owner or make one":        "err.owner_only_change",
	"you cannot disable yourself or change your own role":  "err.self_change",
	"a brand must keep at least one active owner":          "err.last_owner",
	"your role may not change tenant settings":             "err.forbidden_settings",
	"only owners and admins may read the audit log":        "err.forbidden_audit",
	"your role may not create API tokens":                  "err.forbidden_tokens",
	"csrf":                                                 "err.csrf",
	"area":                                                 "err.forbidden_area",
	"not_found":                                            "err.page_not_found",
}

// errText is the message shown for err in lang. scope names the form ("staff",
// "token", …) so a field may have a form-specific wording (err.<scope>.<field>).
func (c *Console) errText(lang, scope string, err error) string {
	code, field, msg := siyu.ErrorCode(err), siyu.ErrorField(err), siyu.ErrorMessage(err)
	if code == siyu.EINTERNAL {
		return c.tr(lang, "err.internal")
	}
	if k, ok := knownMessages[msg]; ok {
		return c.tr(lang, k)
	}
	if field != "" {
		for _, k := range []string{"err." + scope + "." + field, "err." + code + "." + field} {
			if c.has(lang, k) {
				return c.tr(lang, k)
			}
		}
	}
	if c.has(lang, "err."+code) {
		return c.tr(lang, "err."+code, msg)
	}
	return msg
}

// errorData is what the error page shows.
type errorData struct {
	Heading string
	Message string
}

// fail turns a handler error into a page: 403 with what is missing, 404, 409, or 500
// with the request id (the detail goes to the log, never to the page).
func (q *rq) fail(err error) {
	var maxErr *http.MaxBytesError
	if errors.As(err, &maxErr) {
		err = siyu.Errorf(siyu.EINVALID, "request body too large")
	}
	code := siyu.ErrorCode(err)
	if code == siyu.EUNAUTHORIZED && !q.authed {
		q.toLogin()
		return
	}
	status, ok := statusByCode[code]
	if !ok {
		status = http.StatusConflict
	}
	if code == siyu.EINTERNAL {
		q.c.Logger.ErrorContext(q.r.Context(), "console error", "err", err, "method", q.r.Method,
			"path", q.r.URL.Path, "request_id", api.RequestID(q.r.Context()))
	}
	d := errorData{Heading: q.t("error.heading." + code), Message: q.c.errText(q.lang, "", err)}
	if !q.c.has(q.lang, "error.heading."+code) {
		d.Heading = q.t("error.heading.conflict")
	}
	if q.r.Header.Get("HX-Request") == "true" {
		q.fragment(status, "error", "error_fragment", d)
		return
	}
	q.render(status, "error", "error.title", d)
}

// notFound answers every console address that is not a page.
func (c *Console) notFound(q *rq) error {
	return siyu.Errorf(siyu.ENOTFOUND, "not_found")
}
