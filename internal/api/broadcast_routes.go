package api

// broadcastRoutes are the one-click reach (broadcast, poster, tracked link) routes.
func (a *API) broadcastRoutes() []Route {
	return nil
}
