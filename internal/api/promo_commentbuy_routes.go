package api

// commentBuyRoutes are the comment-to-buy routes.
func (a *API) commentBuyRoutes() []Route {
	return nil
}
