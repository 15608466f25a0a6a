package web

import (
	"net/http"
)

// communityPartials is shared by the pages of the 社群 area (tabs, avatar, badges, the
// area's stylesheet), so mountCommunities parses them itself, as mountCommerce does.
const communityPartials = "templates/communities_partials.html"

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

// parseCommunityPages adds the area's pages to every language on the console shell (the
// group page with its tabs, each tab a template file of its own), and the members'
// page on the public shell.
func (c *Console) parseCommunityPages() {
	c.parseAreaPages(communityPartials, []string{"communities_list"}, nil)
	c.parsePage("error", "communities_detail", nil, communityPartials, "templates/communities_detail.html",
		"templates/communities_members.html", "templates/communities_envelopes.html", "templates/communities_chains.html")
	c.parsePage("pub_error", "pub_community", nil, "templates/pub_community.html")
}
