package api

// scriptRoutes are the script library (话术库) routes.
func (a *API) scriptRoutes() []Route {
	return nil
}
