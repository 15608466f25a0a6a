package api

import (
	"context"
	"net/http"

	"github.com/siyu-live/siyu/internal/crm/community"
	"github.com/siyu-live/siyu/internal/org"
)

func (a *API) listCommunities(w http.ResponseWriter, r *http.Request) error {
	limit, err := queryInt(r, "limit", 50, 1, 200)
	if err != nil {
		return err
	}
	list, next, err := a.Communities.List(r.Context(), principal(r), r.URL.Query().Get("cursor"), int(limit))
	return answer(w, http.StatusOK, listOf(list, next), err)
}

func (a *API) createCommunity(w http.ResponseWriter, r *http.Request) error {
	return withBody(w, r, http.StatusCreated, a.Communities.Create)
}

func (a *API) getCommunity(w http.ResponseWriter, r *http.Request) error {
	return byID(w, r, a.Communities.Get)
}

func (a *API) patchCommunity(w http.ResponseWriter, r *http.Request) error {
	return byIDWithBody(w, r, http.StatusOK, a.Communities.Update)
}

func (a *API) deleteCommunity(w http.ResponseWriter, r *http.Request) error {
	return deleteByID(w, r, a.Communities.Delete)
}

func (a *API) listCommunityMembers(w http.ResponseWriter, r *http.Request) error {
	return pageByID(w, r, a.Communities.ListMembers)
}

func (a *API) addCommunityMembers(w http.ResponseWriter, r *http.Request) error {
	return byIDWithBody(w, r, http.StatusOK, a.Communities.AddMembers)
}

func (a *API) removeCommunityMember(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	customer, err := pathID(r, "customer_id")
	if err != nil {
		return err
	}
	if err := a.Communities.RemoveMember(r.Context(), principal(r), id, customer); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (a *API) setCommunityManagers(w http.ResponseWriter, r *http.Request) error {
	return byIDWithBody(w, r, http.StatusOK, func(ctx context.Context, p org.Principal, id int64, in community.ManagersInput) (List[community.Manager], error) {
		list, err := a.Communities.SetManagers(ctx, p, id, in)
		return listOf(list, ""), err
	})
}

func (a *API) setCommunityLive(w http.ResponseWriter, r *http.Request) error {
	return byIDWithBody(w, r, http.StatusOK, a.Communities.SetLive)
}

func (a *API) clearCommunityLive(w http.ResponseWriter, r *http.Request) error {
	return byID(w, r, a.Communities.ClearLive)
}

func (a *API) listCommunityEnvelopes(w http.ResponseWriter, r *http.Request) error {
	return listByID(w, r, a.Communities.ListEnvelopes)
}

func (a *API) sendCommunityEnvelope(w http.ResponseWriter, r *http.Request) error {
	return byIDWithBody(w, r, http.StatusCreated, a.Communities.SendEnvelope)
}

func (a *API) getCommunityEnvelope(w http.ResponseWriter, r *http.Request) error {
	return byIDs(w, r, "envelope_id", a.Communities.GetEnvelope)
}

func (a *API) listCommunityChains(w http.ResponseWriter, r *http.Request) error {
	return listByID(w, r, a.Communities.ListChains)
}

func (a *API) openCommunityChain(w http.ResponseWriter, r *http.Request) error {
	return byIDWithBody(w, r, http.StatusCreated, a.Communities.OpenChain)
}

func (a *API) getCommunityChain(w http.ResponseWriter, r *http.Request) error {
	return byIDs(w, r, "chain_id", a.Communities.GetChain)
}

func (a *API) closeCommunityChain(w http.ResponseWriter, r *http.Request) error {
	return byIDs(w, r, "chain_id", a.Communities.CloseChain)
}
