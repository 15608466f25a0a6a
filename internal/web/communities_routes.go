package web

import (
	"fmt"
	"net/http"
)

// communityPages are the templates of the 社群 area; they share
// communities_partials.html (tabs, avatar, badges, the area's stylesheet), so
// mountCommunities parses them itself, as mountCommerce does.
var communityPages = map[string][]string{
	"communities_list":   {"communities_list"},
	"communities_detail": {"communities_detail", "communities_members", "communities_envelopes", "communities_chains"},
}

// mountCommunities registers the 社群 area and the members' page /g/{code}.
func (c *Console) mountCommunities(mux *http.ServeMux) {
	c.parseCommunityPages()
	const key = "communities"
	mux.Handle("GET /console/communities", c.authed(key, c.communityList))
	mux.Handle("POST /console/communities", c.authed(key, c.communityCreate))
	mux.Handle("GET /console/communities/{id}", c.authed(key, c.communityDetail))
	mux.Handle("POST /console/communities/{id}/settings", c.authed(key, c.communitySettings))
	mux.Handle("POST /console/communities/{id}/announcement", c.authed(key, c.communityAnnouncement))
	mux.Handle("POST /console/communities/{id}/live", c.authed(key, c.communityLive))
	mux.Handle("POST /console/communities/{id}/managers", c.authed(key, c.communityManagers))
	mux.Handle("POST /console/communities/{id}/members", c.authed(key, c.communityMembersAdd))
	mux.Handle("POST /console/communities/{id}/members/{cid}/remove", c.authed(key, c.communityMemberRemove))
	mux.Handle("POST /console/communities/{id}/envelopes", c.authed(key, c.communityEnvelopeSend))
	mux.Handle("POST /console/communities/{id}/chains", c.authed(key, c.communityChainOpen))
	mux.Handle("POST /console/communities/{id}/chains/{cid}/close", c.authed(key, c.communityChainClose))
	mux.Handle("POST /console/communities/{id}/delete", c.authed(key, c.communityDelete))

	mux.Handle("GET /g/{code}", c.publicPage(c.communityPublic))
}

// parseCommunityPages adds the area's pages to every language on a clone of a parsed
// page (error) for the console shell, and the members' page on a clone of a public
// page (pub_error). It panics on a template error, which the package tests catch.
func (c *Console) parseCommunityPages() {
	for _, l := range languages {
		for name, parts := range communityPages {
			t, err := c.pages[l]["error"].Clone()
			if err == nil {
				paths := []string{"templates/communities_partials.html"}
				for _, f := range parts {
					paths = append(paths, "templates/"+f+".html")
				}
				_, err = t.ParseFS(files, paths...)
			}
			if err != nil {
				panic(fmt.Sprintf("web: template %s: %v", name, err))
			}
			c.pages[l][name] = t
		}
		t, err := c.pages[l]["pub_error"].Clone()
		if err == nil {
			_, err = t.ParseFS(files, "templates/pub_community.html")
		}
		if err != nil {
			panic(fmt.Sprintf("web: template pub_community: %v", err))
		}
		c.pages[l]["pub_community"] = t
	}
}
