package api

// communityRoutes are the community (社群) routes.
func (a *API) communityRoutes() []Route {
	return nil
}
