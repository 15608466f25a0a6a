package api

// liveRoutes are the live-session routes: sessions, entries, viewers, reservations,
// gifts, rankings (internal/live).
func (a *API) liveRoutes() []Route {
	return nil
}
