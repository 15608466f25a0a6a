package api

// analyticsRoutes are the analytics (dashboard, post-live report) routes.
func (a *API) analyticsRoutes() []Route {
	return nil
}
