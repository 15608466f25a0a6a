package web

import "net/http"

// mountCommunities registers the 社群 area.
func (c *Console) mountCommunities(mux *http.ServeMux) {
	_ = mux
}
