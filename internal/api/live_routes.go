package api

import (
	"net/http"

	"github.com/siyu-live/siyu/internal/live"
	"github.com/siyu-live/siyu/internal/notify"
	"github.com/siyu-live/siyu/internal/org"
)

var (
	pageQuery  = []QueryParam{{Name: "cursor", Description: "next_cursor of the previous page"}, {Name: "limit", Description: "page size, 1–200", Integer: true}}
	limitQuery = []QueryParam{{Name: "limit", Description: "how many, 1–100", Integer: true}}
)

// liveRoutes are the live-session routes: sessions, entries, viewers, reservations,
// gifts, co-streaming, host rules, rankings (internal/live). Managing a session needs
// sessions.manage; running the show (start, end, interrupt, co-stream) needs live.host.
func (a *API) liveRoutes() []Route {
	const tag = "live"
	manage, host := org.PermSessionsManage, org.PermLiveHost
	return []Route{
		// Sessions.
		{Method: "POST", Path: "/api/v1/sessions", Summary: "Create a live session (scheduled with scheduled_at, else a draft)", Tag: tag,
			Auth: Staff, Perm: manage, In: live.CreateInput{}, Out: live.Session{}, Status: http.StatusCreated, h: a.createSession},
		{Method: "GET", Path: "/api/v1/sessions", Summary: "List live sessions, newest first", Tag: tag, Auth: Staff,
			Out: List[live.Session]{}, Query: append([]QueryParam{{Name: "status", Description: "draft, scheduled, live or ended"}}, pageQuery...),
			h: a.listSessions},
		{Method: "GET", Path: "/api/v1/sessions/{id}", Summary: "Get a live session", Tag: tag, Auth: Staff, Out: live.Session{}, h: a.getSession},
		{Method: "PATCH", Path: "/api/v1/sessions/{id}", Summary: "Change a session's settings", Tag: tag, Auth: Staff, Perm: manage,
			In: live.SessionPatch{}, Out: live.Session{}, h: a.patchSession},
		{Method: "POST", Path: "/api/v1/sessions/{id}/schedule", Summary: "Schedule (or reschedule) a draft or scheduled session", Tag: tag,
			Auth: Staff, Perm: manage, In: live.ScheduleInput{}, Out: live.Session{}, h: a.scheduleSession},
		{Method: "POST", Path: "/api/v1/sessions/{id}/start", Summary: "Go live; reservers are reminded", Tag: tag, Auth: Staff, Perm: host,
			Out: live.Session{}, h: a.sessionAction((*live.Service).Start)},
		{Method: "POST", Path: "/api/v1/sessions/{id}/end", Summary: "End the live; host rules are evaluated", Tag: tag, Auth: Staff, Perm: host,
			Out: live.Session{}, h: a.sessionAction((*live.Service).End)},
		{Method: "POST", Path: "/api/v1/sessions/{id}/interrupt", Summary: "Mark the stream interrupted (the session stays live)", Tag: tag,
			Auth: Staff, Perm: host, Out: live.Session{}, h: a.sessionAction((*live.Service).Interrupt)},
		{Method: "POST", Path: "/api/v1/sessions/{id}/resume", Summary: "Resume an interrupted stream", Tag: tag, Auth: Staff, Perm: host,
			Out: live.Session{}, h: a.sessionAction((*live.Service).Resume)},
		{Method: "PUT", Path: "/api/v1/sessions/{id}/banned-words", Summary: "Replace the banned words; answers the saved list", Tag: tag,
			Auth: Staff, Perm: manage, In: live.BannedWords{}, Out: live.BannedWords{}, h: a.putBannedWords},

		// Entry links.
		{Method: "POST", Path: "/api/v1/sessions/{id}/entries", Summary: "Create an entry link with a channel and short code", Tag: tag,
			Auth: Staff, Perm: manage, In: live.EntryInput{}, Out: live.EntryLink{}, Status: http.StatusCreated, h: a.createEntry},
		{Method: "GET", Path: "/api/v1/sessions/{id}/entries", Summary: "List a session's entry links with their viewers", Tag: tag,
			Auth: Staff, Out: List[live.EntryLink]{}, h: a.listEntries},
		{Method: "GET", Path: "/api/v1/entries/{code}", Summary: "Resolve a public entry code to its session and channel", Tag: tag,
			Out: live.EntryTarget{}, h: a.resolveEntry},

		// Viewers.
		{Method: "POST", Path: "/api/v1/sessions/{id}/viewers", Summary: "Join as a guest viewer; answers the viewer token (never limited per address)",
			Tag: tag, In: live.ViewerInput{}, Out: live.ViewerCreated{}, Status: http.StatusCreated, h: a.createViewer},
		{Method: "GET", Path: "/api/v1/viewer/me", Summary: "The calling viewer", Tag: tag, Auth: Viewer, Out: live.Viewer{}, h: a.viewerMe},
		{Method: "POST", Path: "/api/v1/viewer/phone/code", Summary: "Send a one-time code to a phone (SMS sandbox)", Tag: tag, Auth: Viewer,
			In: live.PhoneInput{}, Out: live.CodeSent{}, h: a.sendPhoneCode},
		{Method: "POST", Path: "/api/v1/viewer/phone/verify", Summary: "Verify the phone code; the viewer becomes a known customer", Tag: tag,
			Auth: Viewer, In: live.VerifyInput{}, Out: live.Viewer{}, h: a.verifyPhone},
		{Method: "GET", Path: "/api/v1/viewer/notifications", Summary: "The viewer's in-app notifications, newest first", Tag: tag,
			Auth: Viewer, Out: List[notify.Notification]{}, Query: pageQuery, h: a.viewerNotifications},
		{Method: "POST", Path: "/api/v1/viewer/notifications/{id}/read", Summary: "Mark a notification read", Tag: tag, Auth: Viewer,
			Out: notify.Notification{}, h: a.readNotification},
		{Method: "GET", Path: "/api/v1/sandbox/sms", Summary: "The sandbox SMS outbox (one-time codes), for demos and tests", Tag: tag,
			Auth: Staff, Perm: org.PermSettingsManage, Out: List[notify.Notification]{},
			Query: append([]QueryParam{{Name: "phone", Description: "only messages to this phone"}}, pageQuery...), h: a.sandboxSMS},

		// Reservations and the preview page.
		{Method: "POST", Path: "/api/v1/sessions/{id}/reservations", Summary: "Reserve an upcoming session (201; 200 when already reserved)", Tag: tag,
			Auth: Viewer, Out: live.Reservation{}, Status: http.StatusCreated, h: a.reserve},
		{Method: "DELETE", Path: "/api/v1/sessions/{id}/reservations", Summary: "Cancel the viewer's reservation", Tag: tag, Auth: Viewer,
			Status: http.StatusNoContent, h: a.cancelReservation},
		{Method: "GET", Path: "/api/v1/sessions/{id}/reservations", Summary: "List a session's reservations with the count", Tag: tag,
			Auth: Staff, Perm: manage, Out: live.ReservationList{}, Query: pageQuery, h: a.listReservations},
		{Method: "GET", Path: "/api/v1/sessions/{id}/preview", Summary: "Public preview of a session (title, cover, schedule, host, reservations)",
			Tag: tag, Out: live.Preview{}, h: a.preview},

		// Gifts.
		{Method: "GET", Path: "/api/v1/gifts", Summary: "The brand's gift catalog (a default one is created on first read)", Tag: tag,
			Auth: Staff, Out: List[live.Gift]{}, h: a.listGifts},
		{Method: "POST", Path: "/api/v1/gifts", Summary: "Add a gift to the catalog", Tag: tag, Auth: Staff, Perm: manage,
			In: live.GiftInput{}, Out: live.Gift{}, Status: http.StatusCreated, h: a.createGift},
		{Method: "PATCH", Path: "/api/v1/gifts/{id}", Summary: "Change or deactivate a gift", Tag: tag, Auth: Staff, Perm: manage,
			In: live.GiftPatch{}, Out: live.Gift{}, h: a.patchGift},
		{Method: "GET", Path: "/api/v1/sessions/{id}/gifts", Summary: "The active gifts viewers of a session can send", Tag: tag,
			Out: List[live.Gift]{}, h: a.sessionGifts},

		// Co-streaming (连麦).
		{Method: "POST", Path: "/api/v1/sessions/{id}/co-stream", Summary: "Invite another live session of the brand to co-stream", Tag: tag,
			Auth: Staff, Perm: host, In: live.CoStreamInput{}, Out: live.CoStream{}, h: a.inviteCoStream},
		{Method: "POST", Path: "/api/v1/sessions/{id}/co-stream/accept", Summary: "Accept a co-streaming invitation; both rooms pair", Tag: tag,
			Auth: Staff, Perm: host, In: live.CoStreamInput{}, Out: live.CoStream{}, h: a.acceptCoStream},
		{Method: "DELETE", Path: "/api/v1/sessions/{id}/co-stream", Summary: "End co-streaming for both rooms", Tag: tag, Auth: Staff,
			Perm: host, Status: http.StatusNoContent, h: a.endCoStream},

		// Host rules, rankings and discovery.
		{Method: "GET", Path: "/api/v1/hosts/{id}", Summary: "A host's goods permission, qualifying broadcasts and exposure credits", Tag: tag,
			Auth: Staff, Perm: manage, Out: live.HostReport{}, h: a.hostReport},
		{Method: "GET", Path: "/api/v1/rankings", Summary: "Hourly or weekly popularity ranking across brands (public fields only)", Tag: tag,
			Out: live.Ranking{}, Query: append([]QueryParam{{Name: "period", Description: "hour (default) or week"},
				{Name: "at", Description: "RFC 3339 time inside the period; now by default"}}, limitQuery...), h: a.rankings},
		{Method: "GET", Path: "/api/v1/discover", Summary: "Discovery: live sessions by hourly rank, then upcoming by reservations", Tag: tag,
			Out: live.Discovery{}, Query: limitQuery, h: a.discover},
	}
}
