package api

// couponRoutes are the coupon routes.
func (a *API) couponRoutes() []Route {
	return nil
}
