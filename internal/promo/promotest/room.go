package promotest

import (
	"context"
	"encoding/json"
	"strings"
	"sync"
	"testing"
	"time"
)

// Event is one room event a Room received, as JSON the way clients read it. Viewer
// is 0 for a broadcast to the whole room.
type Event struct {
	Session int64
	Viewer  int64
	Type    string         // the event's "type" field
	Raw     string         // the event as JSON
	Body    map[string]any // the event decoded, for asserting single fields
}

// Room is a promo.RoomNotifier that records what the tools send to live rooms, so
// tests can assert what viewers would see. Safe for concurrent use.
type Room struct {
	mu     sync.Mutex
	events []Event
}

// Broadcast records an event sent to the whole room.
func (r *Room) Broadcast(_ context.Context, sessionID int64, event any) error {
	return r.record(sessionID, 0, event)
}

// SendTo records an event sent to one viewer.
func (r *Room) SendTo(_ context.Context, sessionID, viewerID int64, event any) error {
	return r.record(sessionID, viewerID, event)
}

func (r *Room) record(session, viewer int64, event any) error {
	raw, err := json.Marshal(event)
	if err != nil {
		return err
	}
	var body map[string]any
	_ = json.Unmarshal(raw, &body)
	typ, _ := body["type"].(string)
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events = append(r.events, Event{Session: session, Viewer: viewer, Type: typ, Raw: string(raw), Body: body})
	return nil
}

// OfType returns the recorded events of one type, oldest first.
func (r *Room) OfType(typ string) []Event {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []Event
	for _, e := range r.events {
		if e.Type == typ {
			out = append(out, e)
		}
	}
	return out
}

// All returns every recorded event as JSON, oldest first.
func (r *Room) All() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []string
	for _, e := range r.events {
		out = append(out, e.Raw)
	}
	return out
}

// Take returns and forgets the events sent to viewer (0: the broadcasts), so a test
// can assert what one step sent.
func (r *Room) Take(viewer int64) []Event {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out, keep []Event
	for _, e := range r.events {
		if e.Viewer == viewer {
			out = append(out, e)
		} else {
			keep = append(keep, e)
		}
	}
	r.events = keep
	return out
}

// WaitFor polls until an event of typ whose JSON contains every part arrives, for
// events a tool sends from its own goroutines (throttled or after commit); it fails
// the test after 5 s of real time.
func (r *Room) WaitFor(t testing.TB, typ string, parts ...string) Event {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		for _, e := range r.OfType(typ) {
			ok := true
			for _, p := range parts {
				ok = ok && strings.Contains(e.Raw, p)
			}
			if ok {
				return e
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("no %s event with %q within 5 s; got %v", typ, parts, r.All())
		}
		time.Sleep(5 * time.Millisecond)
	}
}
