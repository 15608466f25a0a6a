package room

import (
	"context"
	"encoding/json"

	"github.com/siyu-live/siyu/internal/bus"
)

// nodeMsg is what a node publishes on EventsSubject: the events it accepted and
// persisted (ids assigned), and every StatsEvery its local online count, which the
// other nodes keep for 3×StatsEvery and add to their own.
type nodeMsg struct {
	Node   string   `json:"node"`
	Online int      `json:"online"`
	Events []*event `json:"events,omitempty"`
}

func (h *hub) subscribe() {
	b := h.svc.bus
	if b == nil {
		return
	}
	sub, err := b.Subscribe(EventsSubject(h.id), func(m bus.Msg) {
		var nm nodeMsg
		if json.Unmarshal(m.Data, &nm) != nil || nm.Node == h.svc.opt.NodeID {
			return
		}
		select {
		case h.remote <- &nm:
		case <-h.done:
		default:
			h.svc.log.Warn("room: remote events dropped; hub is behind", "session", h.id)
		}
	})
	if err != nil {
		h.svc.log.Error("room: subscribe events", "session", h.id, "err", err)
	} else {
		h.subs = append(h.subs, sub)
	}
	sub, err = b.Subscribe(ControlSubject(h.id), func(m bus.Msg) {
		var c Control
		if json.Unmarshal(m.Data, &c) != nil || (c.Node != "" && c.Node == h.svc.opt.NodeID) {
			return
		}
		select {
		case h.ctl <- c:
		case <-h.done:
		}
	})
	if err != nil {
		h.svc.log.Error("room: subscribe control", "session", h.id, "err", err)
	} else {
		h.subs = append(h.subs, sub)
	}
}

func (h *hub) unsubscribe() {
	for _, s := range h.subs {
		_ = s.Unsubscribe()
	}
	h.subs = nil
}

// publishEvents tells the other nodes what this node accepted, in messages of at
// most 500 events (a join storm would otherwise exceed NATS's 1 MB payload).
func (h *hub) publishEvents(evs []*event) {
	if h.svc.bus == nil {
		return
	}
	for len(evs) > 0 {
		n := min(len(evs), 500)
		h.publish(nodeMsg{Node: h.svc.opt.NodeID, Online: len(h.byViewer), Events: evs[:n]})
		evs = evs[n:]
	}
}

// publishPresence tells the other nodes how many viewers are connected here.
func (h *hub) publishPresence() {
	if h.svc.bus == nil {
		return
	}
	h.publish(nodeMsg{Node: h.svc.opt.NodeID, Online: len(h.byViewer)})
}

func (h *hub) publish(m nodeMsg) {
	data, err := json.Marshal(m)
	if err == nil {
		err = h.svc.bus.Publish(context.Background(), EventsSubject(h.id), data)
	}
	if err != nil {
		h.svc.log.Warn("room: publish to other nodes", "session", h.id, "err", err)
	}
}

// publishControl applies a moderation action to this node's hub and waits until it
// has (so the API answers after the room changed here), then fans it out to the other
// nodes serving the room. Were the publish to fail, the other nodes still read the
// sanction from the store when their hub starts.
func (s *Service) publishControl(ctx context.Context, c Control) {
	c.Node = s.opt.NodeID
	s.mu.Lock()
	h := s.hubs[c.SessionID]
	s.mu.Unlock()
	if h != nil {
		done := make(chan struct{})
		if h.call(func() { h.onControl(c); close(done) }) {
			select {
			case <-done:
			case <-ctx.Done():
			}
		}
	}
	if s.bus == nil {
		return
	}
	data, err := json.Marshal(c)
	if err == nil {
		err = s.bus.Publish(ctx, ControlSubject(c.SessionID), data)
	}
	if err != nil {
		s.log.Warn("room: publish control", "session", c.SessionID, "type", c.Type, "err", err)
	}
}
