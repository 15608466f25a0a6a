package web

import "net/http"

// mountReach registers the 一键触达 area: broadcasts with posters and tracked links.
func (c *Console) mountReach(mux *http.ServeMux) {
	_ = mux
}
