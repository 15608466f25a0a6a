package api

import (
	"net/http"

	"github.com/siyu-live/siyu/internal/org"
	"github.com/siyu-live/siyu/internal/room"
)

// roomRoutes are the real-time room routes: the WebSocket and moderation (internal/room).
// Moderation needs live.host; every route checks that the session belongs to the
// caller's tenant (another tenant's session is not found).
func (a *API) roomRoutes() []Route {
	const tag = "rooms"
	host := org.PermLiveHost
	return []Route{
		{Method: "GET", Path: "/api/v1/sessions/{id}/ws", Tag: tag, Auth: Public, Status: http.StatusSwitchingProtocols,
			Summary: "WebSocket upgrade into the live room; authenticate with the token query parameter (a viewer token, or a staff token of the session's tenant with live.host)",
			Query:   []QueryParam{{Name: "token", Description: "viewer token from POST /sessions/{id}/viewers, or a staff token"}}, h: a.roomWS},
		{Method: "GET", Path: "/api/v1/sessions/{id}/stats", Summary: "The room's live stats (online, peak, viewers, likes, comments, gift value)",
			Tag: tag, Auth: Staff, Perm: host, Out: room.Stats{}, h: a.roomStats},
		{Method: "GET", Path: "/api/v1/sessions/{id}/comments", Summary: "Recent comments, newest first, hidden ones included and flagged",
			Tag: tag, Auth: Staff, Perm: host, Out: List[room.Comment]{}, Query: []QueryParam{{Name: "cursor", Description: "next_cursor of the previous page"},
				{Name: "limit", Description: "page size, 1–200", Integer: true}}, h: a.roomComments},
		{Method: "DELETE", Path: "/api/v1/sessions/{id}/comments/{comment_id}", Summary: "Delete a comment from every viewer's screen",
			Tag: tag, Auth: Staff, Perm: host, Status: http.StatusNoContent, h: a.roomDeleteComment},
		{Method: "POST", Path: "/api/v1/sessions/{id}/mutes", Summary: "Mute a viewer for 1–86400 seconds", Tag: tag, Auth: Staff, Perm: host,
			In: MuteInput{}, Out: room.Sanction{}, Status: http.StatusCreated, h: a.roomSanction("mute")},
		{Method: "DELETE", Path: "/api/v1/sessions/{id}/mutes/{viewer_id}", Summary: "Lift a viewer's mute", Tag: tag, Auth: Staff, Perm: host,
			Status: http.StatusNoContent, h: a.roomUnmute},
		{Method: "POST", Path: "/api/v1/sessions/{id}/kicks", Summary: "Disconnect a viewer (they may rejoin)", Tag: tag, Auth: Staff, Perm: host,
			In: ViewerRef{}, Out: room.Sanction{}, Status: http.StatusCreated, h: a.roomSanction("kick")},
		{Method: "POST", Path: "/api/v1/sessions/{id}/bans", Summary: "Ban a viewer from the session: disconnect and refuse joins", Tag: tag,
			Auth: Staff, Perm: host, In: BanInput{}, Out: room.Sanction{}, Status: http.StatusCreated, h: a.roomSanction("ban")},
		{Method: "DELETE", Path: "/api/v1/sessions/{id}/bans/{viewer_id}", Summary: "Lift a viewer's ban", Tag: tag, Auth: Staff, Perm: host,
			Status: http.StatusNoContent, h: a.roomUnban},
		{Method: "GET", Path: "/api/v1/sessions/{id}/sanctions", Summary: "The session's mutes, kicks and bans, newest first", Tag: tag,
			Auth: Staff, Perm: host, Out: List[room.Sanction]{}, h: a.roomSanctions},
		{Method: "GET", Path: "/api/v1/sessions/{id}/mic-requests", Summary: "Viewers waiting to go on mic (上麦), oldest first", Tag: tag,
			Auth: Staff, Perm: host, Out: List[room.MicRequest]{}, h: a.roomMicRequests},
		{Method: "POST", Path: "/api/v1/sessions/{id}/mic-requests/{viewer_id}/approve", Summary: "Take a viewer on mic", Tag: tag,
			Auth: Staff, Perm: host, Status: http.StatusNoContent, h: a.roomMicDecide(true)},
		{Method: "POST", Path: "/api/v1/sessions/{id}/mic-requests/{viewer_id}/refuse", Summary: "Refuse a viewer's mic request", Tag: tag,
			Auth: Staff, Perm: host, Status: http.StatusNoContent, h: a.roomMicDecide(false)},
	}
}
