package api

// roomRoutes are the real-time room routes: the WebSocket and moderation (internal/room).
func (a *API) roomRoutes() []Route {
	return nil
}
