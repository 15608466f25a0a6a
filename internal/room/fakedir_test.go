package room_test

import (
	"context"
	"encoding/json"
	"sync"

	"github.com/siyu-live/siyu"
	"github.com/siyu-live/siyu/internal/room"
)

// fakeDir is the test Directory: sessions, tokens, gifts and follows in memory.
type fakeDir struct {
	mu        sync.Mutex
	sessions  map[int64]room.SessionInfo
	tokens    map[string]room.Member
	gifts     map[int64]room.Gift
	followers map[int64]bool
}

func (d *fakeDir) Authenticate(_ context.Context, session int64, token string) (room.Member, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	m, ok := d.tokens[token]
	if !ok || m.SessionID != session {
		return room.Member{}, siyu.Errorf(siyu.EUNAUTHORIZED, "bad token")
	}
	return m, nil
}

func (d *fakeDir) Session(_ context.Context, id int64) (room.SessionInfo, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	s, ok := d.sessions[id]
	if !ok {
		return s, siyu.Errorf(siyu.ENOTFOUND, "session %d not found", id)
	}
	return s, nil
}

func (d *fakeDir) Gift(_ context.Context, tenant, id int64) (room.Gift, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	g, ok := d.gifts[id]
	if !ok {
		return g, siyu.Errorf(siyu.ENOTFOUND, "gift %d not found", id)
	}
	return g, nil
}

func (d *fakeDir) Follow(_ context.Context, m room.Member) (bool, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	isNew := !d.followers[m.ViewerID]
	d.followers[m.ViewerID] = true
	return isNew, nil
}

func (d *fakeDir) IsFollower(_ context.Context, m room.Member) (bool, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.followers[m.ViewerID], nil
}

// update changes the session and tells the rooms, as the live domain does.
func (e *env) update(f func(s *room.SessionInfo)) {
	e.dir.mu.Lock()
	s := e.dir.sessions[e.session]
	f(&s)
	e.dir.sessions[e.session] = s
	e.dir.mu.Unlock()
	data, _ := json.Marshal(room.Control{Type: "session_changed", SessionID: e.session})
	// One publish reaches every node: they share the bus (or the external server).
	if err := e.sharedBus.Publish(context.Background(), room.ControlSubject(e.session), data); err != nil {
		e.t.Fatal(err)
	}
}
