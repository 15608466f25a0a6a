package web

import (
	"fmt"
	"net/http"
)

// reachPages are the templates of the 一键触达 area; they share reach_partials.html
// (status badges, the funnel, the area's stylesheet and script), which the
// console-wide page list does not know about, so mountReach parses them itself.
var reachPages = []string{"reach_list", "reach_form", "reach_detail"}

// mountReach registers the 一键触达 area (broadcasts with talk-tracks, posters and the
// funnel of each recipient) and the public tracked links /r/{token}.
func (c *Console) mountReach(mux *http.ServeMux) {
	c.parseReachPages()
	const key = "reach"
	mux.Handle("GET /console/reach", c.authed(key, c.reachList))
	mux.Handle("GET /console/reach/new", c.authed(key, c.reachNew))
	mux.Handle("POST /console/reach", c.authed(key, c.reachCreate))
	mux.Handle("POST /console/reach/preview", c.authed(key, c.reachPreview))
	mux.Handle("GET /console/reach/{id}", c.authed(key, c.reachDetail))
	mux.Handle("GET /console/reach/{id}/edit", c.authed(key, c.reachEdit))
	mux.Handle("POST /console/reach/{id}", c.authed(key, c.reachSave))
	mux.Handle("GET /console/reach/{id}/poster.png", c.authed(key, c.reachPoster))
	for _, a := range []string{"send", "cancel", "delete"} {
		mux.Handle("POST /console/reach/{id}/"+a, c.authed(key, c.reachAction(a)))
	}

	mux.Handle("GET /r/{token}", c.publicPage(c.reachLanding))
	mux.Handle("POST /r/{token}/join", http.HandlerFunc(c.reachJoin))
	mux.Handle("GET /r/{token}/poster.png", http.HandlerFunc(c.reachRecipientPoster))
}

// parseReachPages adds the area's pages to every language (console shell from the
// error page, as parseCommercePages does) and the public landing page of a tracked
// link (public shell from the public error page). It panics on a template error,
// which the package tests catch.
func (c *Console) parseReachPages() {
	for _, l := range languages {
		for _, name := range append(reachPages, "reach_landing") {
			base, names := "error", []string{"templates/reach_partials.html", "templates/" + name + ".html"}
			if name == "reach_landing" {
				base, names = "pub_error", names[1:]
			}
			t, err := c.pages[l][base].Clone()
			if err == nil {
				_, err = t.ParseFS(files, names...)
			}
			if err != nil {
				panic(fmt.Sprintf("web: template %s: %v", name, err))
			}
			c.pages[l][name] = t
		}
	}
}
