package web

import "net/http"

// mountLive registers the 直播 area of the console and the public live pages.
func (c *Console) mountLive(mux *http.ServeMux) {
	mux.Handle("GET /console/live", c.authed("live", c.liveList))
	mux.Handle("GET /console/live/new", c.authed("live", c.liveNew))
	mux.Handle("POST /console/live", c.authed("live", c.liveCreate))
	mux.Handle("GET /console/live/gifts", c.authed("live", c.liveGifts))
	mux.Handle("POST /console/live/gifts", c.authed("live", c.giftCreate))
	mux.Handle("POST /console/live/gifts/{id}/save", c.authed("live", c.giftUpdate))
	mux.Handle("GET /console/live/{id}", c.authed("live", c.liveDetail))
	mux.Handle("POST /console/live/{id}/settings", c.authed("live", c.liveSettings))
	mux.Handle("POST /console/live/{id}/banned-words", c.authed("live", c.liveBanned))
	mux.Handle("POST /console/live/{id}/entries", c.authed("live", c.liveEntryCreate))
	for _, a := range []string{"start", "end", "interrupt", "resume"} {
		mux.Handle("POST /console/live/{id}/"+a, c.authed("live", c.liveAction(a)))
	}
	mux.Handle("GET /console/live/{id}/studio", c.authed("live", c.studio))
	mux.Handle("POST /console/live/{id}/token", c.authed("live", c.studioToken))

	mux.Handle("GET /live/{code}", c.publicPage(c.liveByCode))
	mux.Handle("GET /live/s/{id}", c.publicPage(c.liveByID))
	mux.Handle("GET /live/s/{id}/preview", c.publicPage(c.livePreview))
	mux.Handle("GET /live/prizes/{id}", c.publicPage(c.prizePage))
	mux.Handle("GET /discover", c.publicPage(c.discover))
}
