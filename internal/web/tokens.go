package web

import (
	"net/http"

	"github.com/siyu-live/siyu"
	"github.com/siyu-live/siyu/internal/org"
)

// tokenRow is one API token with the name of the staff member it acts as.
type tokenRow struct {
	org.Token
	Owner string
}

// newToken is the plaintext of a token just created: shown on this one page only.
type newToken struct {
	Name      string
	Plaintext string
}

// tokensData is the tokens page.
type tokensData struct {
	Tokens    []tokenRow
	ShowOwner bool
	CanCreate bool
	Form      *form
	New       *newToken
	APIURL    string // an example endpoint for the curl line
}

func (c *Console) tokensData(q *rq, f *form) (tokensData, error) {
	ctx := q.r.Context()
	toks, err := c.Org.ListTokens(ctx, q.p)
	if err != nil {
		return tokensData{}, err
	}
	staff, err := c.Org.ListStaff(ctx, q.p)
	if err != nil {
		return tokensData{}, err
	}
	names := map[int64]string{}
	for _, u := range staff {
		names[u.ID] = u.Name
		if u.Name == "" {
			names[u.ID] = u.Email
		}
	}
	if f == nil {
		f = newForm(nil)
	}
	d := tokensData{ShowOwner: q.p.Can(org.PermStaffManage), CanCreate: q.p.Can(org.PermTokensOwn), Form: f,
		APIURL: c.Config.PublicURL() + "/api/v1/me"}
	for _, t := range toks {
		d.Tokens = append(d.Tokens, tokenRow{Token: t, Owner: names[t.UserID]})
	}
	return d, nil
}

func (c *Console) tokensPage(q *rq) error {
	d, err := c.tokensData(q, nil)
	if err != nil {
		return err
	}
	q.render(http.StatusOK, "tokens", "nav.tokens", d)
	return nil
}

// tokenCreate answers with the page itself (not a redirect) because the plaintext
// must be shown exactly once and never stored anywhere the next request could read.
func (c *Console) tokenCreate(q *rq) error {
	if !q.p.Can(org.PermTokensOwn) {
		return siyu.Errorf(siyu.EFORBIDDEN, "your role may not create API tokens")
	}
	if err := q.r.ParseForm(); err != nil {
		return siyu.Errorf(siyu.EINVALID, "bad form")
	}
	f := newForm(q.r.PostForm)
	tok, plain, err := c.Org.CreateToken(q.r.Context(), q.p, f.Get("name"))
	if err != nil {
		if siyu.ErrorCode(err) == siyu.EINTERNAL {
			return err
		}
		f.fail(c, q.lang, "token", err, "name")
		d, derr := c.tokensData(q, f)
		if derr != nil {
			return derr
		}
		q.render(formStatus(err), "tokens", "nav.tokens", d)
		return nil
	}
	d, err := c.tokensData(q, nil)
	if err != nil {
		return err
	}
	d.New = &newToken{Name: tok.Name, Plaintext: plain}
	q.render(http.StatusOK, "tokens", "nav.tokens", d)
	return nil
}

func (c *Console) tokenRevoke(q *rq) error {
	id, err := pathID(q, "id")
	if err != nil {
		return err
	}
	if err := c.Org.RevokeToken(q.r.Context(), q.p, id); err != nil {
		return err
	}
	q.redirect("/console/tokens", "flash.token_revoked", "")
	return nil
}
