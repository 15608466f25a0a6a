package api

import (
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"

	"github.com/siyu-live/siyu"
)

// statusByCode is the one table mapping error codes to HTTP statuses. Domain codes such
// as sold_out or already_grabbed are not listed: every unknown code is a 409 conflict,
// as CONTRACT.md says.
var statusByCode = map[string]int{
	siyu.EINVALID:        http.StatusBadRequest,
	siyu.EUNAUTHORIZED:   http.StatusUnauthorized,
	siyu.EFORBIDDEN:      http.StatusForbidden,
	siyu.ENOTFOUND:       http.StatusNotFound,
	siyu.ECONFLICT:       http.StatusConflict,
	siyu.ERATELIMITED:    http.StatusTooManyRequests,
	siyu.EINTERNAL:       http.StatusInternalServerError,
	"too_large":          http.StatusRequestEntityTooLarge,
	"method_not_allowed": http.StatusMethodNotAllowed,
}

// StatusOf returns the HTTP status for an error code.
func StatusOf(code string) int {
	if s, ok := statusByCode[code]; ok {
		return s
	}
	return http.StatusConflict
}

// ErrorBody is the JSON shape of every error answer.
type ErrorBody struct {
	Error ErrorDetail `json:"error"`
}

// ErrorDetail names what went wrong; field is set for invalid input.
type ErrorDetail struct {
	Code      string `json:"code"`
	Message   string `json:"message"`
	Field     string `json:"field,omitempty"`
	RequestID string `json:"request_id,omitempty"`
}

// writeError answers with err's code and message. Internal errors are logged with the
// request id and shown to the client only as "internal error".
func writeError(w http.ResponseWriter, r *http.Request, logger *slog.Logger, err error) {
	code := siyu.ErrorCode(err)
	var maxErr *http.MaxBytesError
	if errors.As(err, &maxErr) {
		code, err = "too_large", siyu.Errorf("too_large", "request body is larger than %d bytes", maxErr.Limit)
	}
	rid := RequestID(r.Context())
	if code == siyu.EINTERNAL {
		logger.ErrorContext(r.Context(), "internal error", "request_id", rid, "method", r.Method, "path", r.URL.Path, "err", err)
	}
	writeJSON(w, StatusOf(code), ErrorBody{Error: ErrorDetail{Code: code, Message: siyu.ErrorMessage(err),
		Field: siyu.ErrorField(err), RequestID: rid}})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
}
