package api

import (
	"net/http"

	"github.com/siyu-live/siyu/internal/crm/community"
	"github.com/siyu-live/siyu/internal/org"
)

// communityRoutes are the community (社群) routes (internal/crm/community). Staff read
// with customers.view and change with customers.manage; envelopes and chains are sent
// by the group's managers (owners and admins count as managers of every group).
// Members act on the public page /g/{code} with a guest token (sg_…) that
// POST /api/v1/g/{code}/join hands out: live viewer tokens belong to one session,
// a group outlives many.
func (a *API) communityRoutes() []Route {
	const tag, mtag = "communities", "community members"
	view, manage := org.PermCustomersView, org.PermCustomersManage
	page := []QueryParam{{Name: "cursor", Description: "next_cursor of the previous page"},
		{Name: "limit", Description: "page size, 1–200", Integer: true}}
	return []Route{
		{Method: "GET", Path: "/api/v1/communities", Summary: "Communities newest first, with member counts, managers and the linked live",
			Tag: tag, Auth: Staff, Perm: view, Out: List[community.Community]{}, Query: page, h: a.listCommunities},
		{Method: "POST", Path: "/api/v1/communities", Summary: "Create a community (its creator manages it unless manager_ids are given)",
			Tag: tag, Auth: Staff, Perm: manage, In: community.Input{}, Out: community.Community{}, Status: http.StatusCreated, h: a.createCommunity},
		{Method: "GET", Path: "/api/v1/communities/{id}", Summary: "A community", Tag: tag, Auth: Staff, Perm: view,
			Out: community.Community{}, h: a.getCommunity},
		{Method: "PATCH", Path: "/api/v1/communities/{id}", Summary: "Change a community's name, avatar, announcement (公告) or join mode",
			Tag: tag, Auth: Staff, Perm: manage, In: community.Patch{}, Out: community.Community{}, h: a.patchCommunity},
		{Method: "DELETE", Path: "/api/v1/communities/{id}", Summary: "Delete a community (its open red envelopes are refunded)",
			Tag: tag, Auth: Staff, Perm: manage, Status: http.StatusNoContent, h: a.deleteCommunity},
		{Method: "GET", Path: "/api/v1/communities/{id}/members", Summary: "Members, most recently joined first (masked without contacts.view)",
			Tag: tag, Auth: Staff, Perm: view, Out: List[community.Member]{}, Query: page, h: a.listCommunityMembers},
		{Method: "POST", Path: "/api/v1/communities/{id}/members", Summary: "Add members: customer_ids, or everyone a rule or segment holds for",
			Tag: tag, Auth: Staff, Perm: manage, In: community.MembersInput{}, Out: community.MembersAdded{}, h: a.addCommunityMembers},
		{Method: "DELETE", Path: "/api/v1/communities/{id}/members/{customer_id}", Summary: "Remove a member", Tag: tag, Auth: Staff,
			Perm: manage, Status: http.StatusNoContent, h: a.removeCommunityMember},
		{Method: "PUT", Path: "/api/v1/communities/{id}/managers", Summary: "Replace the managers (群管理): staff user ids", Tag: tag,
			Auth: Staff, Perm: manage, In: community.ManagersInput{}, Out: List[community.Manager]{}, h: a.setCommunityManagers},
		{Method: "PUT", Path: "/api/v1/communities/{id}/live", Summary: "Link a live session: the group gets its own entry link (channel community) and preview",
			Tag: tag, Auth: Staff, Perm: manage, In: community.LiveInput{}, Out: community.Community{}, h: a.setCommunityLive},
		{Method: "DELETE", Path: "/api/v1/communities/{id}/live", Summary: "Unlink the live session", Tag: tag, Auth: Staff, Perm: manage,
			Out: community.Community{}, h: a.clearCommunityLive},
		{Method: "GET", Path: "/api/v1/communities/{id}/envelopes", Summary: "Red envelopes sent to the group, newest first (at most 100)",
			Tag: tag, Auth: Staff, Perm: view, Out: List[community.Envelope]{}, h: a.listCommunityEnvelopes},
		{Method: "POST", Path: "/api/v1/communities/{id}/envelopes", Summary: "Send a red envelope to the group (managers; fixed or random split)",
			Tag: tag, Auth: Staff, Perm: manage, In: community.EnvelopeInput{}, Out: community.Envelope{}, Status: http.StatusCreated, h: a.sendCommunityEnvelope},
		{Method: "GET", Path: "/api/v1/communities/{id}/envelopes/{envelope_id}", Summary: "A red envelope with who grabbed how much",
			Tag: tag, Auth: Staff, Perm: view, Out: community.Envelope{}, h: a.getCommunityEnvelope},
		{Method: "GET", Path: "/api/v1/communities/{id}/chains", Summary: "接龙 sign-up chains, newest first (at most 50)", Tag: tag,
			Auth: Staff, Perm: view, Out: List[community.Chain]{}, h: a.listCommunityChains},
		{Method: "POST", Path: "/api/v1/communities/{id}/chains", Summary: "Open a 接龙 (managers): title, template, limit, deadline",
			Tag: tag, Auth: Staff, Perm: manage, In: community.ChainInput{}, Out: community.Chain{}, Status: http.StatusCreated, h: a.openCommunityChain},
		{Method: "GET", Path: "/api/v1/communities/{id}/chains/{chain_id}", Summary: "A 接龙 with its numbered lines", Tag: tag,
			Auth: Staff, Perm: view, Out: community.Chain{}, h: a.getCommunityChain},
		{Method: "POST", Path: "/api/v1/communities/{id}/chains/{chain_id}/close", Summary: "Close a 接龙 (its lines stay, read-only)",
			Tag: tag, Auth: Staff, Perm: manage, Out: community.Chain{}, h: a.closeCommunityChain},

		{Method: "GET", Path: "/api/v1/g/{code}", Summary: "A group's page: announcement and live for anyone; envelopes and 接龙 for members (guest token sg_… optional)",
			Tag: mtag, Out: community.Page{}, h: a.communityPage},
		{Method: "POST", Path: "/api/v1/g/{code}/join", Summary: "Join a group (first time: nickname, returns the guest token sg_… once; invite for invite-only groups)",
			Tag: mtag, In: community.JoinInput{}, Out: community.Joined{}, h: a.joinCommunity},
		{Method: "POST", Path: "/api/v1/g/{code}/envelopes/{id}/grab", Summary: "Grab a red envelope (guest token; 409 empty, already_grabbed, expired, not_member)",
			Tag: mtag, Out: community.GrabResult{}, h: a.grabCommunityEnvelope},
		{Method: "PUT", Path: "/api/v1/g/{code}/chains/{id}/entry", Summary: "Add or change your line of a 接龙 (guest token; 409 closed, full, not_member)",
			Tag: mtag, In: community.EntryInput{}, Out: community.ChainEntry{}, h: a.joinCommunityChain},
	}
}
