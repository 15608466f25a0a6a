package api

import (
	"net/http"

	"github.com/siyu-live/siyu/internal/crm/community"
)

// pathIDs parses the community id and a second positive id of a nested route.
func pathIDs(r *http.Request, second string) (int64, int64, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return 0, 0, err
	}
	sub, err := pathID(r, second)
	return id, sub, err
}

func (a *API) listCommunities(w http.ResponseWriter, r *http.Request) error {
	limit, err := queryInt(r, "limit", 50, 1, 200)
	if err != nil {
		return err
	}
	list, next, err := a.Communities.List(r.Context(), principal(r), r.URL.Query().Get("cursor"), int(limit))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, listOf(list, next))
	return nil
}

func (a *API) createCommunity(w http.ResponseWriter, r *http.Request) error {
	var in community.Input
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	c, err := a.Communities.Create(r.Context(), principal(r), in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, c)
	return nil
}

func (a *API) getCommunity(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	c, err := a.Communities.Get(r.Context(), principal(r), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, c)
	return nil
}

func (a *API) patchCommunity(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in community.Patch
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	c, err := a.Communities.Update(r.Context(), principal(r), id, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, c)
	return nil
}

func (a *API) deleteCommunity(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := a.Communities.Delete(r.Context(), principal(r), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (a *API) listCommunityMembers(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	limit, err := queryInt(r, "limit", 50, 1, 200)
	if err != nil {
		return err
	}
	list, next, err := a.Communities.ListMembers(r.Context(), principal(r), id, r.URL.Query().Get("cursor"), int(limit))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, listOf(list, next))
	return nil
}

func (a *API) addCommunityMembers(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in community.MembersInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	res, err := a.Communities.AddMembers(r.Context(), principal(r), id, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, res)
	return nil
}

func (a *API) removeCommunityMember(w http.ResponseWriter, r *http.Request) error {
	id, customer, err := pathIDs(r, "customer_id")
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
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in community.ManagersInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	list, err := a.Communities.SetManagers(r.Context(), principal(r), id, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, listOf(list, ""))
	return nil
}

func (a *API) setCommunityLive(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in community.LiveInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	c, err := a.Communities.SetLive(r.Context(), principal(r), id, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, c)
	return nil
}

func (a *API) clearCommunityLive(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	c, err := a.Communities.ClearLive(r.Context(), principal(r), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, c)
	return nil
}

func (a *API) listCommunityEnvelopes(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	list, err := a.Communities.ListEnvelopes(r.Context(), principal(r), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, listOf(list, ""))
	return nil
}

func (a *API) sendCommunityEnvelope(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in community.EnvelopeInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	e, err := a.Communities.SendEnvelope(r.Context(), principal(r), id, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, e)
	return nil
}

func (a *API) getCommunityEnvelope(w http.ResponseWriter, r *http.Request) error {
	id, eid, err := pathIDs(r, "envelope_id")
	if err != nil {
		return err
	}
	e, err := a.Communities.GetEnvelope(r.Context(), principal(r), id, eid)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, e)
	return nil
}

func (a *API) listCommunityChains(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	list, err := a.Communities.ListChains(r.Context(), principal(r), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, listOf(list, ""))
	return nil
}

func (a *API) openCommunityChain(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in community.ChainInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	c, err := a.Communities.OpenChain(r.Context(), principal(r), id, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, c)
	return nil
}

func (a *API) getCommunityChain(w http.ResponseWriter, r *http.Request) error {
	id, cid, err := pathIDs(r, "chain_id")
	if err != nil {
		return err
	}
	c, err := a.Communities.GetChain(r.Context(), principal(r), id, cid)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, c)
	return nil
}

func (a *API) closeCommunityChain(w http.ResponseWriter, r *http.Request) error {
	id, cid, err := pathIDs(r, "chain_id")
	if err != nil {
		return err
	}
	c, err := a.Communities.CloseChain(r.Context(), principal(r), id, cid)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, c)
	return nil
}
