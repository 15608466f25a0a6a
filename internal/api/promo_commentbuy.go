package api

import (
	"net/http"

	"github.com/siyu-live/siyu/internal/promo/commentbuy"
)

func (a *API) armCommentBuy(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in commentbuy.Input
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	c, err := a.CommentBuys.Arm(r.Context(), principal(r), id, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, c)
	return nil
}

func (a *API) listCommentBuys(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	list, err := a.CommentBuys.CommentBuys(r.Context(), principal(r), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, listOf(list, ""))
	return nil
}

func (a *API) getCommentBuy(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	c, err := a.CommentBuys.CommentBuy(r.Context(), principal(r), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, c)
	return nil
}

func (a *API) stopCommentBuy(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	c, err := a.CommentBuys.StopCommentBuy(r.Context(), principal(r), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, c)
	return nil
}
