package api

import (
	"net/http"

	"github.com/siyu-live/siyu/internal/org"
)

// TokenInput names a new API token.
type TokenInput struct {
	Name string `json:"name"`
}

// TokenCreated is the only answer that ever contains a token's plaintext.
type TokenCreated struct {
	Token     org.Token `json:"token"`
	Plaintext string    `json:"plaintext"`
}

func (a *API) listStaff(w http.ResponseWriter, r *http.Request) error {
	users, err := a.Org.ListStaff(r.Context(), principal(r))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, listOf(users, ""))
	return nil
}

func (a *API) createStaff(w http.ResponseWriter, r *http.Request) error {
	var in org.StaffInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	u, err := a.Org.CreateStaff(r.Context(), principal(r), in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, u)
	return nil
}

func (a *API) getStaff(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	u, err := a.Org.GetStaff(r.Context(), principal(r), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, u)
	return nil
}

func (a *API) updateStaff(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in org.StaffUpdate
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	u, err := a.Org.UpdateStaff(r.Context(), principal(r), id, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, u)
	return nil
}

func (a *API) listTokens(w http.ResponseWriter, r *http.Request) error {
	toks, err := a.Org.ListTokens(r.Context(), principal(r))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, listOf(toks, ""))
	return nil
}

func (a *API) createToken(w http.ResponseWriter, r *http.Request) error {
	var in TokenInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	tok, plain, err := a.Org.CreateToken(r.Context(), principal(r), in.Name)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, TokenCreated{Token: tok, Plaintext: plain})
	return nil
}

func (a *API) revokeToken(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := a.Org.RevokeToken(r.Context(), principal(r), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
