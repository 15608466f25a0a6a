package offer

import (
	"context"
	"log/slog"
	"sync/atomic"

	"github.com/siyu-live/siyu/internal/promo"
)

// Room sends a tool's events into live rooms. The room engine is built after the
// tools (it needs them), so it is wired in later with Set and may be absent; sending
// then does nothing. Failures are logged, never returned: the database is the truth
// and clients read it back, so a lost room event must not fail a committed change.
// Safe for concurrent use.
type Room struct {
	n   atomic.Pointer[promo.RoomNotifier]
	log *slog.Logger
}

// NewRoom returns a Room sending through n (nil: none yet) and logging to log.
func NewRoom(n promo.RoomNotifier, log *slog.Logger) *Room {
	r := &Room{log: log}
	r.Set(n)
	return r
}

// Set wires the room engine in (or, with nil, disconnects it), for a tool's
// SetNotifier.
func (r *Room) Set(n promo.RoomNotifier) {
	if n == nil {
		r.n.Store(nil)
		return
	}
	r.n.Store(&n)
}

// Broadcast sends event to everyone in the session's room.
func (r *Room) Broadcast(sessionID int64, event any) {
	if n := r.n.Load(); n != nil {
		if err := (*n).Broadcast(context.Background(), sessionID, event); err != nil {
			r.log.Warn("broadcast to room", "session", sessionID, "err", err)
		}
	}
}

// SendTo sends event to one viewer of the session only.
func (r *Room) SendTo(sessionID, viewerID int64, event any) {
	if n := r.n.Load(); n != nil {
		if err := (*n).SendTo(context.Background(), sessionID, viewerID, event); err != nil {
			r.log.Warn("send to viewer", "session", sessionID, "viewer", viewerID, "err", err)
		}
	}
}
