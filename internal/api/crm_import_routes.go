package api

// customerImportRoutes are the customer import and export (CSV, Excel) routes.
func (a *API) customerImportRoutes() []Route {
	return nil
}
