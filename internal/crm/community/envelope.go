package community

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
	"github.com/siyu-live/siyu/internal/promo"
)

// Envelope statuses and limits (ours): up to 200,000 yuan in up to 2,000 shares (a
// WeChat group holds 500), open from one minute to a week.
const (
	StatusOpen          = "open"
	StatusEmpty         = "empty"
	StatusExpired       = "expired"
	MaxEnvelopeTotal    = 20_000_000
	MaxEnvelopeShares   = 2000
	minEnvelopeSeconds  = 60
	maxEnvelopeSeconds  = 7 * 86400
	maxEnvelopeMessage  = 40
	defaultEnvelopeNote = "恭喜发财，大吉大利"
)

// EnvelopeInput is the body of POST /api/v1/communities/{id}/envelopes.
type EnvelopeInput struct {
	Total   int64  `json:"total"` // fen
	Count   int64  `json:"count"` // shares, at most total (every share ≥ 1 fen)
	Mode    string `json:"mode"`  // random (拼手气) | fixed (普通)
	Message string `json:"message,omitempty"`
	// ExpiresInSeconds is how long it can be grabbed, 60 s to 7 days; the tenant's
	// community_envelope_hours setting when absent. What is left then is refunded.
	ExpiresInSeconds int64 `json:"expires_in_seconds,omitempty"`
}

func (in *EnvelopeInput) check() error {
	if err := promo.CheckShares(in.Total, in.Count, in.Mode, MaxEnvelopeTotal, MaxEnvelopeShares); err != nil {
		return err
	}
	if in.ExpiresInSeconds != 0 && (in.ExpiresInSeconds < minEnvelopeSeconds || in.ExpiresInSeconds > maxEnvelopeSeconds) {
		return siyu.Invalid("expires_in_seconds", "expires_in_seconds must be between %d and %d, got %d",
			minEnvelopeSeconds, maxEnvelopeSeconds, in.ExpiresInSeconds)
	}
	msg, err := text("message", in.Message, 0, maxEnvelopeMessage, false)
	if err != nil {
		return err
	}
	if msg == "" {
		msg = defaultEnvelopeNote
	}
	in.Message = msg
	return nil
}

// Envelope is an in-group red envelope. Amounts are fen; at every moment
// total = grabbed + remaining + refunded.
type Envelope struct {
	ID             int64     `json:"id"`
	CommunityID    int64     `json:"community_id"`
	Mode           string    `json:"mode"`
	Message        string    `json:"message"`
	Total          int64     `json:"total"`
	Count          int64     `json:"count"`
	Grabbed        int64     `json:"grabbed"`
	GrabbedCount   int64     `json:"grabbed_count"`
	Remaining      int64     `json:"remaining"`
	RemainingCount int64     `json:"remaining_count"`
	Refunded       int64     `json:"refunded"`
	Status         string    `json:"status"` // open | empty | expired
	SentBy         string    `json:"sent_by"`
	ExpiresAt      time.Time `json:"expires_at"`
	ClosedAt       time.Time `json:"closed_at,omitzero"`
	CreatedAt      time.Time `json:"created_at"`
	// Grabs are in share order (GetEnvelope, and the members' page).
	Grabs []Grab `json:"grabs,omitempty"`
	// MyAmount is what the calling member grabbed (members' page; 0 for nothing).
	MyAmount int64 `json:"my_amount,omitempty"`
}

// Grab is one member's share.
type Grab struct {
	CustomerID int64     `json:"customer_id,omitempty"` // staff answers only
	Nickname   string    `json:"nickname"`
	Amount     int64     `json:"amount"`
	Best       bool      `json:"best,omitempty"` // 手气最佳: the largest share of a finished random envelope
	GrabbedAt  time.Time `json:"grabbed_at"`
}

// GrabResult answers a member's successful grab.
type GrabResult struct {
	EnvelopeID int64 `json:"envelope_id"`
	Amount     int64 `json:"amount"`
}

// RefundEvent is the data of community.red_envelope.refunded: there is no wallet, so
// the brand's system of record learns from it what to give back to the sender.
type RefundEvent struct {
	EnvelopeID   int64 `json:"envelope_id"`
	CommunityID  int64 `json:"community_id"`
	Total        int64 `json:"total"`
	Grabbed      int64 `json:"grabbed"`
	GrabbedCount int64 `json:"grabbed_count"`
	Refunded     int64 `json:"refunded"`
	CreatedBy    int64 `json:"created_by"`
}

type envelopeRow struct {
	ID            int64  `db:"id"`
	TenantID      int64  `db:"tenant_id"`
	CommunityID   int64  `db:"community_id"`
	CreatedBy     int64  `db:"created_by"`
	SentBy        string `db:"sent_by"`
	Mode          string `db:"mode"`
	Message       string `db:"message"`
	Total         int64  `db:"total"`
	Count         int64  `db:"share_count"`
	GrabbedCount  int64  `db:"grabbed_count"`
	GrabbedAmount int64  `db:"grabbed_amount"`
	Refunded      int64  `db:"refunded"`
	Status        string `db:"status"`
	ExpiresAt     int64  `db:"expires_at"`
	ClosedAt      int64  `db:"closed_at"`
	CreatedAt     int64  `db:"created_at"`
}

const envelopeSelect = `SELECT e.id, e.tenant_id, e.community_id, e.created_by, COALESCE(u.name, '') AS sent_by, e.mode, e.message,
	e.total, e.share_count, e.grabbed_count, e.grabbed_amount, e.refunded, e.status, e.expires_at, e.closed_at, e.created_at
	FROM community_envelopes e LEFT JOIN users u ON u.id = e.created_by AND u.tenant_id = e.tenant_id`

func (r envelopeRow) envelope() Envelope {
	e := Envelope{ID: r.ID, CommunityID: r.CommunityID, Mode: r.Mode, Message: r.Message, Total: r.Total, Count: r.Count,
		Grabbed: r.GrabbedAmount, GrabbedCount: r.GrabbedCount, Refunded: r.Refunded, Status: r.Status, SentBy: r.SentBy,
		ExpiresAt: msTime(r.ExpiresAt), ClosedAt: msTime(r.ClosedAt), CreatedAt: msTime(r.CreatedAt)}
	if r.Status == StatusOpen {
		e.Remaining = r.Total - r.GrabbedAmount
		e.RemainingCount = r.Count - r.GrabbedCount
	}
	return e
}

const expireJobKind = "community.envelope.expire"

type expirePayload struct {
	TenantID   int64 `json:"tenant_id"`
	EnvelopeID int64 `json:"envelope_id"`
}

func expireKey(id int64) string { return expireJobKind + ":" + strconv.FormatInt(id, 10) }

// SendEnvelope sends a red envelope to the group: split at once (promo.Split), open
// until it is empty or expires.
func (s *Service) SendEnvelope(ctx context.Context, p org.Principal, communityID int64, in EnvelopeInput) (Envelope, error) {
	if err := need(p, org.PermCustomersManage); err != nil {
		return Envelope{}, err
	}
	if _, err := getCommunity(ctx, s.store, p.TenantID, communityID, false); err != nil {
		return Envelope{}, err
	}
	if err := canSpeak(ctx, s.store, p, communityID); err != nil {
		return Envelope{}, err
	}
	if err := in.check(); err != nil {
		return Envelope{}, err
	}
	ttl := time.Duration(in.ExpiresInSeconds) * time.Second
	if ttl == 0 {
		var err error
		if ttl, err = s.envelopeTTL(ctx, p.TenantID); err != nil {
			return Envelope{}, err
		}
	}
	shares, err := promo.Split(in.Total, in.Count, in.Mode, s.random)
	if err != nil {
		return Envelope{}, err
	}
	raw, _ := json.Marshal(shares)
	now := s.now()
	expires := now.Add(ttl)
	var id int64
	err = s.store.Tx(ctx, func(tx *db.Tx) error {
		if _, err := getCommunity(ctx, tx, p.TenantID, communityID, true); err != nil {
			return err
		}
		id, err = db.Insert(ctx, tx, `INSERT INTO community_envelopes (tenant_id, community_id, created_by, mode, message, total,
			share_count, shares, expires_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			p.TenantID, communityID, p.UserID, in.Mode, in.Message, in.Total, in.Count, string(raw), expires.UnixMilli(), now.UnixMilli())
		if err != nil {
			return fmt.Errorf("community: send envelope: %w", err)
		}
		if s.queue == nil {
			return nil
		}
		payload, _ := json.Marshal(expirePayload{TenantID: p.TenantID, EnvelopeID: id})
		_, err = s.queue.Enqueue(ctx, tx, jobs.Job{TenantID: p.TenantID, Kind: expireJobKind, Payload: payload, RunAt: expires,
			UniqueKey: expireKey(id)})
		return err
	})
	if err != nil {
		return Envelope{}, err
	}
	return s.GetEnvelope(ctx, p, communityID, id)
}

// ListEnvelopes lists a community's envelopes, newest first (at most 100), without grabs.
func (s *Service) ListEnvelopes(ctx context.Context, p org.Principal, communityID int64) ([]Envelope, error) {
	if err := need(p, org.PermCustomersView); err != nil {
		return nil, err
	}
	if _, err := getCommunity(ctx, s.store, p.TenantID, communityID, false); err != nil {
		return nil, err
	}
	if err := s.expireDue(ctx, p.TenantID, communityID); err != nil {
		return nil, err
	}
	return listEnvelopes(ctx, s.store, p.TenantID, communityID, 100)
}

func listEnvelopes(ctx context.Context, q db.Querier, tenantID, communityID int64, limit int) ([]Envelope, error) {
	var rows []envelopeRow
	if err := q.SelectContext(ctx, &rows, envelopeSelect+` WHERE e.tenant_id = ? AND e.community_id = ? ORDER BY e.id DESC LIMIT ?`,
		tenantID, communityID, limit); err != nil {
		return nil, fmt.Errorf("community: list envelopes: %w", err)
	}
	out := make([]Envelope, len(rows))
	for i, r := range rows {
		out[i] = r.envelope()
	}
	return out, nil
}

// GetEnvelope returns an envelope of the community with every grab.
func (s *Service) GetEnvelope(ctx context.Context, p org.Principal, communityID, id int64) (Envelope, error) {
	if err := need(p, org.PermCustomersView); err != nil {
		return Envelope{}, err
	}
	if _, err := getCommunity(ctx, s.store, p.TenantID, communityID, false); err != nil {
		return Envelope{}, err
	}
	if err := s.expireDue(ctx, p.TenantID, communityID); err != nil {
		return Envelope{}, err
	}
	r, err := getEnvelope(ctx, s.store, p.TenantID, communityID, id)
	if err != nil {
		return Envelope{}, err
	}
	return withGrabs(ctx, s.store, r, 0, true)
}

func getEnvelope(ctx context.Context, q db.Querier, tenantID, communityID, id int64) (envelopeRow, error) {
	var r envelopeRow
	err := q.GetContext(ctx, &r, envelopeSelect+` WHERE e.tenant_id = ? AND e.community_id = ? AND e.id = ?`, tenantID, communityID, id)
	if db.IsNoRows(err) {
		return r, siyu.Errorf(siyu.ENOTFOUND, "red envelope %d not found", id)
	} else if err != nil {
		return r, fmt.Errorf("community: envelope %d: %w", id, err)
	}
	return r, nil
}

// withGrabs adds the grabs in share order; customerID's own amount becomes MyAmount.
// staff answers carry customer ids, members' answers do not.
func withGrabs(ctx context.Context, q db.Querier, r envelopeRow, customerID int64, staff bool) (Envelope, error) {
	var grabs []struct {
		CustomerID int64  `db:"customer_id"`
		Nickname   string `db:"nickname"`
		Amount     int64  `db:"amount"`
		CreatedAt  int64  `db:"created_at"`
	}
	if err := q.SelectContext(ctx, &grabs, `SELECT customer_id, nickname, amount, created_at FROM community_envelope_grabs
		WHERE envelope_id = ? AND tenant_id = ? ORDER BY seq`, r.ID, r.TenantID); err != nil {
		return Envelope{}, fmt.Errorf("community: grabs: %w", err)
	}
	e := r.envelope()
	e.Grabs = make([]Grab, len(grabs))
	best := -1
	for i, g := range grabs {
		e.Grabs[i] = Grab{Nickname: g.Nickname, Amount: g.Amount, GrabbedAt: msTime(g.CreatedAt)}
		if staff {
			e.Grabs[i].CustomerID = g.CustomerID
		}
		if g.CustomerID == customerID {
			e.MyAmount = g.Amount
		}
		if best < 0 || g.Amount > grabs[best].Amount {
			best = i
		}
	}
	if r.Mode == promo.ModeRandom && r.Status == StatusEmpty && best >= 0 && len(grabs) > 1 {
		e.Grabs[best].Best = true
	}
	return e, nil
}
