package api

import (
	"net/http"

	"github.com/siyu-live/siyu/internal/org"
)

// LoginInput is the body of POST /api/v1/auth/login.
type LoginInput struct {
	Email    string `json:"email"`
	Password string `json:"password"`
}

// LoginResult carries the bearer token for later requests.
type LoginResult struct {
	Token  string     `json:"token"`
	User   org.User   `json:"user"`
	Tenant org.Tenant `json:"tenant"`
}

// Me describes the caller, so a client can shape its UI to the caller's permissions.
type Me struct {
	User        org.User         `json:"user"`
	Tenant      org.Tenant       `json:"tenant"`
	Permissions []org.Permission `json:"permissions"`
}

func (a *API) signup(w http.ResponseWriter, r *http.Request) error {
	var in org.SignupInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	res, err := a.Org.Signup(r.Context(), in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, res)
	return nil
}

func (a *API) login(w http.ResponseWriter, r *http.Request) error {
	var in LoginInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	u, t, err := a.Org.Login(r.Context(), in.Email, in.Password, ClientIP(r))
	if err != nil {
		return err
	}
	tok, err := a.Org.IssueLoginToken(r.Context(), u)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, LoginResult{Token: tok, User: u, Tenant: t})
	return nil
}

func (a *API) logout(w http.ResponseWriter, r *http.Request) error {
	p := principal(r)
	if p.TokenID != 0 {
		if err := a.Org.RevokeToken(r.Context(), p, p.TokenID); err != nil {
			return err
		}
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (a *API) me(w http.ResponseWriter, r *http.Request) error {
	p := principal(r)
	u, err := a.Org.GetStaff(r.Context(), p, p.UserID)
	if err != nil {
		return err
	}
	t, err := a.Org.Tenant(r.Context(), p.TenantID)
	if err != nil {
		return err
	}
	perms := []org.Permission{}
	for _, perm := range org.AllPermissions {
		if p.Can(perm) {
			perms = append(perms, perm)
		}
	}
	writeJSON(w, http.StatusOK, Me{User: u, Tenant: t, Permissions: perms})
	return nil
}
