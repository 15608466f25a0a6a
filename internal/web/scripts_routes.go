package web

import "net/http"

// mountScripts registers the 话术库 area.
func (c *Console) mountScripts(mux *http.ServeMux) {
	_ = mux
}
