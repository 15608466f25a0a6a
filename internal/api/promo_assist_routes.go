package api

// assistRoutes are the assist (助力) routes.
func (a *API) assistRoutes() []Route {
	return nil
}
