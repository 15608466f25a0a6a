package api

import (
	"net/http"

	"github.com/siyu-live/siyu/internal/crm/broadcast"
	"github.com/siyu-live/siyu/internal/org"
)

// broadcastRoutes are the one-click reach routes (internal/crm/broadcast): broadcasts
// to segments and communities with a talk-track per audience, scheduled or sent now,
// and each recipient's funnel (delivered, opened, clicked, came). All need
// customers.manage. The tracked links /r/{token} are public pages of the web package.
func (a *API) broadcastRoutes() []Route {
	const tag = "broadcasts"
	perm := org.PermCustomersManage
	page := []QueryParam{{Name: "cursor", Description: "next_cursor of the previous page"},
		{Name: "limit", Description: "page size, 1–100", Integer: true}}
	return []Route{
		{Method: "POST", Path: "/api/v1/broadcasts", Summary: "Save a draft broadcast: a live session, audiences (segments or communities) each with a talk-track, channels",
			Tag: tag, Auth: Staff, Perm: perm, In: broadcast.Input{}, Out: broadcast.Broadcast{}, Status: http.StatusCreated, h: a.createBroadcast},
		{Method: "GET", Path: "/api/v1/broadcasts", Summary: "Broadcasts newest first, each with its funnel counts", Tag: tag, Auth: Staff,
			Perm: perm, Out: List[broadcast.Broadcast]{}, Query: page, h: a.listBroadcasts},
		{Method: "GET", Path: "/api/v1/broadcasts/channels", Summary: "The channels a broadcast may use here, and why one cannot",
			Tag: tag, Auth: Staff, Perm: perm, Out: List[broadcast.ChannelInfo]{}, h: a.broadcastChannels},
		{Method: "POST", Path: "/api/v1/broadcasts/preview", Summary: "What an unsaved broadcast would send now: audience sizes after removing repeats, a sample message per audience",
			Tag: tag, Auth: Staff, Perm: perm, In: broadcast.Input{}, Out: broadcast.Preview{}, h: a.previewBroadcast},
		{Method: "GET", Path: "/api/v1/broadcasts/{id}", Summary: "A broadcast with its entry link and funnel counts", Tag: tag,
			Auth: Staff, Perm: perm, Out: broadcast.Broadcast{}, h: a.getBroadcast},
		{Method: "PATCH", Path: "/api/v1/broadcasts/{id}", Summary: "Change a broadcast that is not sending yet", Tag: tag,
			Auth: Staff, Perm: perm, In: broadcast.Patch{}, Out: broadcast.Broadcast{}, h: a.patchBroadcast},
		{Method: "DELETE", Path: "/api/v1/broadcasts/{id}", Summary: "Delete a draft or cancelled broadcast that never sent", Tag: tag,
			Auth: Staff, Perm: perm, Status: http.StatusNoContent, h: a.deleteBroadcast},
		{Method: "GET", Path: "/api/v1/broadcasts/{id}/preview", Summary: "What a saved broadcast would send now", Tag: tag,
			Auth: Staff, Perm: perm, Out: broadcast.Preview{}, h: a.previewSavedBroadcast},
		{Method: "POST", Path: "/api/v1/broadcasts/{id}/schedule", Summary: "Send the broadcast at a time (a reschedule replaces the earlier one)",
			Tag: tag, Auth: Staff, Perm: perm, In: broadcast.ScheduleInput{}, Out: broadcast.Broadcast{}, h: a.scheduleBroadcast},
		{Method: "POST", Path: "/api/v1/broadcasts/{id}/send", Summary: "Send the broadcast now", Tag: tag, Auth: Staff, Perm: perm,
			Out: broadcast.Broadcast{}, h: a.sendBroadcast},
		{Method: "POST", Path: "/api/v1/broadcasts/{id}/cancel", Summary: "Cancel a scheduled broadcast, or stop a sending one", Tag: tag,
			Auth: Staff, Perm: perm, Out: broadcast.Broadcast{}, h: a.cancelBroadcast},
		{Method: "GET", Path: "/api/v1/broadcasts/{id}/recipients", Summary: "Recipients with status and stage, and the counts per status",
			Tag: tag, Auth: Staff, Perm: perm, Out: broadcast.RecipientPage{}, h: a.broadcastRecipients,
			Query: []QueryParam{{Name: "status", Description: "pending, delivered, failed, unreachable, opened, clicked or came"},
				{Name: "cursor", Description: "next_cursor of the previous page"}, {Name: "limit", Description: "page size, 1–200", Integer: true}}},
	}
}

func (a *API) createBroadcast(w http.ResponseWriter, r *http.Request) error {
	return withBody(w, r, http.StatusCreated, a.Broadcasts.Create)
}

func (a *API) listBroadcasts(w http.ResponseWriter, r *http.Request) error {
	before, err := queryInt(r, "cursor", 0, 0, 1<<62)
	if err != nil {
		return err
	}
	limit, err := queryInt(r, "limit", 20, 1, 100)
	if err != nil {
		return err
	}
	list, next, err := a.Broadcasts.List(r.Context(), principal(r), before, int(limit))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, listOf(list, next))
	return nil
}

func (a *API) broadcastChannels(w http.ResponseWriter, r *http.Request) error {
	list, err := a.Broadcasts.ChannelsFor(r.Context(), principal(r).TenantID)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, listOf(list, ""))
	return nil
}

func (a *API) previewBroadcast(w http.ResponseWriter, r *http.Request) error {
	return withBody(w, r, http.StatusOK, a.Broadcasts.Preview)
}

func (a *API) getBroadcast(w http.ResponseWriter, r *http.Request) error {
	return byID(w, r, a.Broadcasts.Get)
}

func (a *API) patchBroadcast(w http.ResponseWriter, r *http.Request) error {
	return byIDWithBody(w, r, http.StatusOK, a.Broadcasts.Update)
}

func (a *API) deleteBroadcast(w http.ResponseWriter, r *http.Request) error {
	return deleteByID(w, r, a.Broadcasts.Delete)
}

func (a *API) previewSavedBroadcast(w http.ResponseWriter, r *http.Request) error {
	return byID(w, r, a.Broadcasts.PreviewSaved)
}

func (a *API) scheduleBroadcast(w http.ResponseWriter, r *http.Request) error {
	return byIDWithBody(w, r, http.StatusOK, a.Broadcasts.Schedule)
}

func (a *API) sendBroadcast(w http.ResponseWriter, r *http.Request) error {
	return byID(w, r, a.Broadcasts.SendNow)
}

func (a *API) cancelBroadcast(w http.ResponseWriter, r *http.Request) error {
	return byID(w, r, a.Broadcasts.Cancel)
}

func (a *API) broadcastRecipients(w http.ResponseWriter, r *http.Request) error {
	id, limit, err := idAndLimit(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	page, err := a.Broadcasts.Recipients(r.Context(), principal(r), id, q.Get("status"), q.Get("cursor"), limit)
	if err != nil {
		return err
	}
	if page.Items == nil {
		page.Items = []broadcast.Recipient{}
	}
	writeJSON(w, http.StatusOK, page)
	return nil
}
