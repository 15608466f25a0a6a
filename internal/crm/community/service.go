// Package community runs a brand's communities (社群/群聊, SPEC §2): groups of CRM
// customers with a name, avatar, announcement (公告) and managers (群管理), pointed at the
// next live through the group's own entry link, with in-group red envelopes and 接龙
// sign-up chains — the two tools the seed says the platform's groups lacked.
//
// Decisions worth knowing:
//   - Members are CRM customers. Staff add them by id or in bulk by a tag/segment rule;
//     people join themselves on the public page /g/{code}. Live viewer tokens are tied
//     to one session, so the page has its own credential: a guest token (sg_…, hash
//     stored) of the brand that stands for one customer. Joining with a viewer token of
//     the same brand in hand makes that viewer's profile the member; otherwise a profile
//     is created with the identity platform:community and first source "community".
//   - Linking a live creates (once per session) an entry link of channel "community", so
//     viewers arriving from the group are attributed to it; its preview page with the
//     same code is the reservation (预约) link.
//   - Envelopes are split once at creation by promo.Split (shares ≥ 1 fen that add up
//     exactly) and taken in order: a grab bumps the envelope row's counter (the row lock
//     serialises grabbers on PostgreSQL, the single writer on SQLite) and inserts the
//     grab, whose unique (envelope, customer) index refuses a second grab. Expiry (the
//     tenant's community_envelope_hours, 24 h by default) marks it expired with
//     refunded = total − grabbed in one statement and publishes
//     community.red_envelope.refunded; a durable job runs it on time.
//   - Chains number their entries by a counter on the chain row, so numbers are dense
//     and never repeat; an entry is one per member and editable until the chain closes
//     (by a manager, by its deadline, or when full).
//   - Envelopes and chains are sent by a manager of the group; owners and admins
//     (staff.manage) count as managers of every group.
package community

import (
	"context"
	"crypto/rand"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	"github.com/siyu-live/siyu"
	"github.com/siyu-live/siyu/internal/crm"
	"github.com/siyu-live/siyu/internal/crm/segment"
	"github.com/siyu-live/siyu/internal/db"
	"github.com/siyu-live/siyu/internal/jobs"
	"github.com/siyu-live/siyu/internal/live"
	"github.com/siyu-live/siyu/internal/org"
	"github.com/siyu-live/siyu/internal/webhook"
)

// EventEnvelopeRefunded is published when expiry refunds what an envelope had left.
const EventEnvelopeRefunded = "community.red_envelope.refunded"

func init() {
	webhook.RegisterEventType(EventEnvelopeRefunded)
}

// EventPublisher queues outbound webhooks in the caller's transaction (webhook.Service).
type EventPublisher interface {
	Publish(ctx context.Context, q db.Querier, tenantID int64, eventType string, data any) error
}

// Options are the collaborators of a Service. Live and CRM are required; Segments may
// be nil (adding members by rule then answers 400).
type Options struct {
	Now       func() time.Time // injected clock; time.Now when nil
	Random    io.Reader        // codes, tokens and random splits; crypto/rand when nil
	Org       *org.Service     // tenant settings (envelope expiry); 24 h when nil
	Queue     *jobs.Queue      // envelope expiry timers; NewService registers its kind
	Events    EventPublisher   // webhooks; nil sends none
	Live      *live.Service
	CRM       *crm.Service
	Segments  *segment.Service
	PublicURL string // base of /g/{code} and entry links, e.g. https://live.brand.cn
	Logger    *slog.Logger
}

// Service is the community domain; safe for concurrent use.
type Service struct {
	store    *db.DB
	now      func() time.Time
	random   io.Reader
	org      *org.Service
	queue    *jobs.Queue
	events   EventPublisher
	live     *live.Service
	crm      *crm.Service
	segments *segment.Service
	base     string
	log      *slog.Logger
}

// NewService builds the service and registers the envelope expiry job on opt.Queue, so
// it must be called before the queue starts.
func NewService(store *db.DB, opt Options) *Service {
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.Random == nil {
		opt.Random = rand.Reader
	}
	if opt.Logger == nil {
		opt.Logger = slog.Default()
	}
	s := &Service{store: store, now: opt.Now, random: opt.Random, org: opt.Org, queue: opt.Queue, events: opt.Events,
		live: opt.Live, crm: opt.CRM, segments: opt.Segments, base: strings.TrimRight(opt.PublicURL, "/"),
		log: opt.Logger.With("component", "community")}
	if s.queue != nil {
		s.queue.Register(expireJobKind, s.expireJob)
	}
	return s
}

func need(p org.Principal, perm org.Permission) error {
	if p.TenantID == 0 || !p.Can(perm) {
		return siyu.Errorf(siyu.EFORBIDDEN, "your role may not do this (needs %s)", perm)
	}
	return nil
}

// system is the tenant acting through this domain on the other domains: a member
// joining creates their CRM profile, linking a live creates the group's entry link. The
// staff permission was checked (or, for a member, the page's rules) before.
func system(tenantID int64) org.Principal {
	return org.Principal{TenantID: tenantID, Name: "community", Role: org.RoleOwner}
}

// codeAlphabet is Crockford's base32 in lower case (no i, l, o, u), as entry codes.
const codeAlphabet = "0123456789abcdefghjkmnpqrstvwxyz"

// CodeLen is the length of a community's public code and invite code.
const CodeLen = 8

func (s *Service) newCode() (string, error) {
	b := make([]byte, CodeLen)
	if _, err := io.ReadFull(s.random, b); err != nil {
		return "", fmt.Errorf("community: random code: %w", err)
	}
	for i := range b {
		b[i] = codeAlphabet[b[i]&31]
	}
	return string(b), nil
}

// validCode reports whether c could be a code (so garbage never reaches the store).
func validCode(c string) bool {
	return len(c) == CodeLen && strings.Trim(c, codeAlphabet) == ""
}

func (s *Service) event(ctx context.Context, q db.Querier, tenantID int64, typ string, data any) error {
	if s.events == nil {
		return nil
	}
	return s.events.Publish(ctx, q, tenantID, typ, data)
}

// envelopeTTL is how long a new envelope stays open: the tenant's setting.
func (s *Service) envelopeTTL(ctx context.Context, tenantID int64) (time.Duration, error) {
	hours := org.DefaultSettings().CommunityEnvelopeHours
	if s.org != nil {
		set, err := s.org.Settings(ctx, tenantID)
		if err != nil {
			return 0, err
		}
		hours = set.CommunityEnvelopeHours
	}
	return time.Duration(hours) * time.Hour, nil
}

func msTime(ms int64) time.Time {
	if ms == 0 {
		return time.Time{}
	}
	return time.UnixMilli(ms).UTC()
}

func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}
