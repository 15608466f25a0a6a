package room

import (
	"bufio"
	"net"
	"net/http"
	"time"

	"github.com/gorilla/websocket"

	"github.com/siyu-live/siyu"
)

// ServeWS is the body of GET /api/v1/sessions/{id}/ws. Failures known before the
// upgrade are returned as errors for the API to answer in JSON: a missing or bad token
// (unauthorized), an unknown session or one of another tenant (not_found), a node
// that is shutting down. Everything after the upgrade is an event on the socket: a
// draft session answers error{code:"not_open"}, an ended one ended plus
// error{code:"session_ended"}, a banned viewer banned — each then closes — because a
// browser's WebSocket cannot read an HTTP status.
func (s *Service) ServeWS(w http.ResponseWriter, r *http.Request, sessionID int64, token string) error {
	if token == "" {
		return siyu.Errorf(siyu.EUNAUTHORIZED, "send the viewer or staff token as the token query parameter")
	}
	ctx := r.Context()
	m, err := s.dir.Authenticate(ctx, sessionID, token)
	if err != nil {
		return err
	}
	info, err := s.dir.Session(ctx, sessionID)
	if err != nil {
		return err
	}
	if m.SessionID != sessionID || m.TenantID != info.TenantID {
		return siyu.Errorf(siyu.ENOTFOUND, "session %d not found", sessionID)
	}
	if m.Role == "" {
		m.Role = RoleViewer
	}
	s.mu.Lock()
	serving := s.started && !s.stopping
	s.mu.Unlock()
	if !serving {
		return siyu.Errorf("unavailable", "this node is shutting down; reconnect")
	}
	ws, err := s.upgrader.Upgrade(hijackable{w}, r, nil)
	if err != nil {
		return nil // the upgrader has answered the client already
	}
	// net/http leaves its request deadlines on a hijacked connection; the room has no
	// read timeout (TCP keep-alive finds dead peers) and sets write deadlines per write.
	_ = ws.NetConn().SetDeadline(time.Time{})
	if tc, ok := ws.NetConn().(*net.TCPConn); ok && s.opt.SocketSendBuffer > 0 {
		_ = tc.SetWriteBuffer(s.opt.SocketSendBuffer)
	}
	ws.SetReadLimit(MaxMessageBytes)
	if info.Status != "scheduled" && info.Status != "live" {
		code, msg := "not_open", "this live is not open yet"
		if info.Status == "ended" {
			_ = ws.WriteMessage(websocket.TextMessage, []byte(`{"type":"ended"}`))
			code, msg = "session_ended", "this live has ended"
		}
		_ = ws.WriteMessage(websocket.TextMessage, mustJSON(errorOut{Type: "error", Code: code, Message: msg}))
		_ = ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseNormalClosure, code), time.Now().Add(time.Second))
		_ = ws.Close()
		return nil
	}
	h, err := s.hubFor(info)
	if err != nil {
		_ = ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseGoingAway, "server restarting"), time.Now().Add(time.Second))
		_ = ws.Close()
		return nil
	}
	c := &conn{hub: h, ws: ws, nc: ws.NetConn(), m: m, staff: m.Role == RoleHost || m.Role == RoleModerator}
	h.joins <- c // reserved by hubFor: the hub is running and will take it
	return nil
}

// hijackable lets the upgrader reach the connection through the API's response
// writer wrappers, which expose Unwrap rather than Hijack.
type hijackable struct{ http.ResponseWriter }

func (h hijackable) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	return http.NewResponseController(h.ResponseWriter).Hijack()
}
