package api

// groupBuyRoutes are the group-buy (拼团) routes.
func (a *API) groupBuyRoutes() []Route {
	return nil
}
