package api

// flashSaleRoutes are the flash-sale (秒杀) routes.
func (a *API) flashSaleRoutes() []Route {
	return nil
}
