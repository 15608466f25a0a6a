package api

import (
	"net/http"
)

// viewerEnvelopes lists the red envelopes of the viewer's session that can still be
// grabbed, so a viewer who joins late (or comes back from paying) sees them.
func (a *API) viewerEnvelopes(w http.ResponseWriter, r *http.Request) error {
	list, err := a.Promo.ViewerEnvelopes(r.Context(), promoViewer(r))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, listOf(list, ""))
	return nil
}

// viewerLotteries lists the session's open and just-drawn lotteries for the room.
func (a *API) viewerLotteries(w http.ResponseWriter, r *http.Request) error {
	list, err := a.Promo.ViewerLotteries(r.Context(), promoViewer(r))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, listOf(list, ""))
	return nil
}
