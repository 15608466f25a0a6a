package api

import (
	"net/http"
	"strings"

	"github.com/siyu-live/siyu/internal/crm/community"
)

// The members' routes authenticate the guest token (sg_…) themselves: it is optional
// on the page and on join (a first visit has none) and required to grab or sign up.

// guestToken returns the bearer token of a members' request, "" without one.
func guestToken(r *http.Request) string {
	bearer, _ := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	return strings.TrimSpace(bearer)
}

// guest authenticates the required guest token and parses the {id} of the route.
func (a *API) guest(r *http.Request) (community.Guest, int64, error) {
	bearer, err := bearerToken(r, "guest")
	if err != nil {
		return community.Guest{}, 0, err
	}
	g, err := a.Communities.AuthenticateGuest(r.Context(), bearer)
	if err != nil {
		return g, 0, err
	}
	id, err := pathID(r, "id")
	return g, id, err
}

func (a *API) communityPage(w http.ResponseWriter, r *http.Request) error {
	var g *community.Guest
	if tok := guestToken(r); tok != "" {
		got, err := a.Communities.AuthenticateGuest(r.Context(), tok)
		if err != nil {
			return err
		}
		g = &got
	}
	p, err := a.Communities.Page(r.Context(), r.PathValue("code"), g)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, p)
	return nil
}

func (a *API) joinCommunity(w http.ResponseWriter, r *http.Request) error {
	var in community.JoinInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	j, err := a.Communities.Join(r.Context(), r.PathValue("code"), guestToken(r), in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, j)
	return nil
}

func (a *API) grabCommunityEnvelope(w http.ResponseWriter, r *http.Request) error {
	g, id, err := a.guest(r)
	if err != nil {
		return err
	}
	res, err := a.Communities.Grab(r.Context(), g, r.PathValue("code"), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, res)
	return nil
}

func (a *API) joinCommunityChain(w http.ResponseWriter, r *http.Request) error {
	g, id, err := a.guest(r)
	if err != nil {
		return err
	}
	var in community.EntryInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	e, err := a.Communities.JoinChain(r.Context(), g, r.PathValue("code"), id, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, e)
	return nil
}
