package web

import "net/http"

// mountMarketing registers the 营销工具 area: every in-room tool of the tenant and its results.
func (c *Console) mountMarketing(mux *http.ServeMux) {
	_ = mux
}
