package promo

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/siyu-live/siyu"
	"github.com/siyu-live/siyu/internal/db"
	"github.com/siyu-live/siyu/internal/jobs"
	"github.com/siyu-live/siyu/internal/org"
	"github.com/siyu-live/siyu/internal/room"
)

// ExpireJobKind is the durable job that closes a red envelope at its expiry and
// refunds what is left.
const ExpireJobKind = "promo.red_envelope.expire"

func expireKey(id int64) string { return ExpireJobKind + ":" + strconv.FormatInt(id, 10) }

type expirePayload struct {
	EnvelopeID int64 `json:"envelope_id"`
}

// CreateEnvelope sends a red envelope into a live session: the shares are split now
// (see Split), the expiry job is queued in the same transaction, and the room is told
// once it is stored.
func (s *Service) CreateEnvelope(ctx context.Context, p org.Principal, sessionID int64, in EnvelopeInput) (Envelope, error) {
	if err := need(p, org.PermPromoManage); err != nil {
		return Envelope{}, err
	}
	if err := in.check(); err != nil {
		return Envelope{}, err
	}
	if _, err := liveSession(ctx, s.store, p.TenantID, sessionID); err != nil {
		return Envelope{}, err
	}
	var e Envelope
	err := s.store.Tx(ctx, func(tx *db.Tx) error {
		var err error
		e, err = s.createEnvelope(ctx, tx, p.TenantID, sessionID, p.UserID, 0, in)
		if err != nil {
			return err
		}
		return s.audit(ctx, tx, p, "promo.red_envelope.create", "red_envelope:"+strconv.FormatInt(e.ID, 10),
			fmt.Sprintf("%d fen in %d %s shares", in.Total, in.Count, in.Mode))
	})
	if err != nil {
		return Envelope{}, err
	}
	s.announceEnvelope(e)
	return e, nil
}

// createEnvelope splits and stores an envelope and queues its expiry, in tx.
func (s *Service) createEnvelope(ctx context.Context, tx *db.Tx, tenantID, sessionID, userID, ruleID int64, in EnvelopeInput) (Envelope, error) {
	shares, err := Split(in.Total, in.Count, in.Mode, s.random)
	if err != nil {
		return Envelope{}, err
	}
	now := s.now()
	expires := now.Add(time.Duration(in.ExpiresInSeconds) * time.Second)
	id, err := insertEnvelope(ctx, tx, tenantID, sessionID, userID, ruleID, in, shares, now.UnixMilli(), expires.UnixMilli())
	if err != nil {
		return Envelope{}, err
	}
	if s.queue != nil {
		payload, _ := json.Marshal(expirePayload{EnvelopeID: id})
		if _, err := s.queue.Enqueue(ctx, tx, jobs.Job{TenantID: tenantID, Kind: ExpireJobKind, Payload: payload,
			RunAt: expires, UniqueKey: expireKey(id)}); err != nil {
			return Envelope{}, fmt.Errorf("promo: queue expiry: %w", err)
		}
	}
	e := Envelope{EnvelopeSummary: envelopeRow{ID: id, TenantID: tenantID, SessionID: sessionID, RuleID: ruleID, Mode: in.Mode,
		Condition: in.Condition, Message: in.Message, Total: in.Total, Count: in.Count, Status: StatusOpen,
		ExpiresAt: expires.UnixMilli(), CreatedAt: now.UnixMilli()}.envelope(), Grabs: []Grab{}}
	if err := s.event(ctx, tx, tenantID, EventEnvelopeCreated, e); err != nil {
		return Envelope{}, err
	}
	// The owner starts with everything free once the row is committed.
	tx.AfterCommit(func() {
		s.adopt(envelopeState{row: envelopeRow{ID: id, TenantID: tenantID, SessionID: sessionID, Condition: in.Condition,
			Count: in.Count, Status: StatusOpen, ExpiresAt: expires.UnixMilli()}, shares: shares})
	})
	return e, nil
}

func (s *Service) announceEnvelope(e Envelope) {
	s.broadcast(e.SessionID, EnvelopeEvent{Type: "red_envelope", ID: e.ID, Total: e.Total, Count: e.Count, Mode: e.Mode,
		Message: e.Message, Condition: e.Condition, ExpiresAt: e.ExpiresAt})
}

// GetEnvelope returns a tenant's envelope with every grab (staff).
func (s *Service) GetEnvelope(ctx context.Context, p org.Principal, id int64) (Envelope, error) {
	r, err := getEnvelope(ctx, s.store, p.TenantID, id)
	if err != nil {
		return Envelope{}, err
	}
	return s.withGrabs(ctx, r, 0)
}

// ViewerEnvelope returns an envelope of the viewer's own session with every grab and
// the viewer's own amount (the 拼手气 list viewers see after grabbing).
func (s *Service) ViewerEnvelope(ctx context.Context, v Viewer, id int64) (Envelope, error) {
	r, err := getEnvelope(ctx, s.store, v.TenantID, id)
	if err != nil {
		return Envelope{}, err
	}
	if r.SessionID != v.SessionID {
		return Envelope{}, siyu.Errorf(siyu.ENOTFOUND, "red envelope %d not found", id)
	}
	return s.withGrabs(ctx, r, v.ID)
}

func (s *Service) withGrabs(ctx context.Context, r envelopeRow, viewerID int64) (Envelope, error) {
	grabs, err := listGrabs(ctx, s.store, r.TenantID, r.ID, true)
	if err != nil {
		return Envelope{}, err
	}
	e := Envelope{EnvelopeSummary: r.envelope(), Grabs: make([]Grab, len(grabs))}
	for i, g := range grabs {
		e.Grabs[i] = Grab{ViewerID: g.ViewerID, Nickname: g.Nickname, Amount: g.Amount, GrabbedAt: msTime(g.CreatedAt)}
		if g.ViewerID == viewerID {
			e.MyAmount = g.Amount
		}
	}
	return e, nil
}

// ListEnvelopes lists a session's envelopes, newest first (staff).
func (s *Service) ListEnvelopes(ctx context.Context, p org.Principal, sessionID int64) ([]EnvelopeSummary, error) {
	var one int
	err := s.store.GetContext(ctx, &one, `SELECT 1 FROM live_sessions WHERE tenant_id = ? AND id = ?`, p.TenantID, sessionID)
	if db.IsNoRows(err) {
		return nil, siyu.Errorf(siyu.ENOTFOUND, "session %d not found", sessionID)
	} else if err != nil {
		return nil, fmt.Errorf("promo: session: %w", err)
	}
	return listEnvelopes(ctx, s.store, p.TenantID, sessionID)
}

// Grab takes one share of an envelope for a viewer of its session and answers only
// once the grab is committed. Refusals: empty, already_grabbed, expired,
// condition_not_met (all 409); another session's or tenant's envelope is not found.
func (s *Service) Grab(ctx context.Context, v Viewer, id int64) (GrabResult, error) {
	o, err := s.ownerFor(ctx, id)
	if err != nil {
		return GrabResult{}, err
	}
	if o.tenant != v.TenantID || o.session != v.SessionID {
		return GrabResult{}, siyu.Errorf(siyu.ENOTFOUND, "red envelope %d not found", id)
	}
	if o.condition == ConditionFollow {
		if err := s.checkFollow(ctx, v); err != nil {
			return GrabResult{}, err
		}
	}
	amount, err := o.grab(ctx, v.ID)
	if err != nil {
		return GrabResult{}, err
	}
	return GrabResult{EnvelopeID: id, Amount: amount}, nil
}

// GrabInRoom is Grab for a viewer in the live room, over its WebSocket (it implements
// room.EnvelopeGrabber): the same decision, the same commit and the same answers, but
// the caller does not wait. reply is called exactly once, only after the grab is
// committed (or with the refusal), and must not block. The hot path (an owner in
// memory, no condition) never blocks the caller; a first grab after start-up (the owner
// is rebuilt from the store) or a follow check runs on a goroutine of its own.
func (s *Service) GrabInRoom(m room.Member, id int64, reply func(amount int64, err error)) {
	if m.Role != room.RoleViewer || m.ViewerID == 0 {
		reply(0, siyu.Errorf(siyu.EFORBIDDEN, "only viewers grab red envelopes"))
		return
	}
	v := Viewer{ID: m.ViewerID, TenantID: m.TenantID, SessionID: m.SessionID, Nickname: m.Nickname}
	o, ok := s.owners.Loaded(id)
	if !ok || o.condition == ConditionFollow {
		go func() {
			res, err := s.Grab(context.Background(), v, id)
			reply(res.Amount, err)
		}()
		return
	}
	if o.tenant != v.TenantID || o.session != v.SessionID {
		reply(0, siyu.Errorf(siyu.ENOTFOUND, "red envelope %d not found", id))
		return
	}
	o.grabAsync(v.ID, reply)
}

// ownerFor returns the envelope's owner, rebuilding it from the store on first use
// after start-up (so a restart after kill -9 resumes from exactly what was committed).
func (s *Service) ownerFor(ctx context.Context, id int64) (*owner, error) {
	return s.owners.For(id, nil, func() (*owner, error) {
		st, err := loadEnvelope(ctx, s.store, id)
		if err != nil {
			return nil, err
		}
		return newOwner(s, st), nil
	})
}

// adopt starts the owner of an envelope created on this node.
func (s *Service) adopt(st envelopeState) {
	s.owners.Adopt(st.row.ID, func() *owner { return newOwner(s, st) })
}

// checkFollow enforces the follow condition.
func (s *Service) checkFollow(ctx context.Context, v Viewer) error {
	ok, err := s.isFollower(ctx, v)
	if err != nil {
		return err
	}
	if !ok {
		return siyu.Errorf("condition_not_met", "follow the host first: this one is for followers only")
	}
	return nil
}

func (s *Service) isFollower(ctx context.Context, v Viewer) (bool, error) {
	if s.follows != nil {
		return s.follows.IsFollower(ctx, room.Member{TenantID: v.TenantID, SessionID: v.SessionID, Role: room.RoleViewer,
			ViewerID: v.ID, Nickname: v.Nickname})
	}
	var n int
	err := s.store.GetContext(ctx, &n, `SELECT COUNT(*) FROM follows f JOIN live_sessions s ON s.host_id = f.host_id
		WHERE s.tenant_id = ? AND s.id = ? AND f.viewer_id = ?`, v.TenantID, v.SessionID, v.ID)
	if err != nil {
		return false, fmt.Errorf("promo: follows: %w", err)
	}
	return n > 0, nil
}
