package room

import (
	"context"
	"encoding/json"
	"fmt"
)

// LikeWatcher is told a room's total likes after each stats flush, so in-room tools can
// fire on milestones (a red envelope at 10,000 likes) without the room knowing them.
type LikeWatcher interface {
	OnLikes(ctx context.Context, sessionID, likes int64)
}

// Broadcast sends a system event (a JSON object with "type") to everyone in a session's
// room on every node: pinned products, red envelopes, lotteries. System events are
// never sampled away, however big the room.
func (s *Service) Broadcast(ctx context.Context, sessionID int64, event any) error {
	raw, err := encodeEvent(event)
	if err != nil {
		return err
	}
	s.publishControl(ctx, Control{Type: "broadcast", SessionID: sessionID, Text: string(raw)})
	return nil
}

// SendTo sends a private event to one viewer's connections in a session, on whichever
// node they are connected (a lottery win, an order update).
func (s *Service) SendTo(ctx context.Context, sessionID, viewerID int64, event any) error {
	raw, err := encodeEvent(event)
	if err != nil {
		return err
	}
	s.publishControl(ctx, Control{Type: "send_to", SessionID: sessionID, ViewerID: viewerID, Text: string(raw)})
	return nil
}

func encodeEvent(event any) ([]byte, error) {
	raw, err := json.Marshal(event)
	if err != nil {
		return nil, fmt.Errorf("room: encode event: %w", err)
	}
	var probe struct {
		Type string `json:"type"`
	}
	if json.Unmarshal(raw, &probe) != nil || probe.Type == "" {
		return nil, fmt.Errorf("room: an event must be a JSON object with a type")
	}
	return raw, nil
}

// SetLikeWatcher attaches the like-milestone watcher after construction (the promo
// service is built after the rooms); call it before Start.
func (s *Service) SetLikeWatcher(w LikeWatcher) { s.opt.Likes = w }
