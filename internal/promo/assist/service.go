package assist

import (
	"crypto/rand"
	"encoding/base32"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	"github.com/siyu-live/siyu/internal/commerce"
	"github.com/siyu-live/siyu/internal/db"
	"github.com/siyu-live/siyu/internal/jobs"
	"github.com/siyu-live/siyu/internal/promo"
	"github.com/siyu-live/siyu/internal/promo/offer"
)

// Options are the collaborators of a Service. Commerce is required: the unlocked
// price is sold through its orders.
type Options struct {
	Now      func() time.Time     // injected clock; time.Now when nil
	Commerce *commerce.Service    // orders and the release hook
	Queue    *jobs.Queue          // campaign expiry jobs; NewService registers the kind
	Events   promo.EventPublisher // webhooks; nil sends none
	Notifier promo.RoomNotifier   // room events; nil sends none (SetNotifier wires it later)
	Random   io.Reader            // share codes; crypto/rand.Reader when nil
	Logger   *slog.Logger
}

// Service runs assists. It keeps no goroutines (expiry is a durable job), so it needs
// no Start or Stop; it is safe for concurrent use.
type Service struct {
	store    *db.DB
	now      func() time.Time
	commerce *commerce.Service
	queue    *jobs.Queue
	events   promo.EventPublisher
	room     *offer.Room
	deps     offer.Deps // for the shared priced-offer code
	random   io.Reader
	log      *slog.Logger
}

// NewService builds the assist service, registers its expiry job kind on opt.Queue
// (so before the queue starts) and its release hook for source assist on
// opt.Commerce (so before serving).
func NewService(store *db.DB, opt Options) *Service {
	if opt.Commerce == nil {
		panic("assist: NewService needs the commerce service")
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.Random == nil {
		opt.Random = rand.Reader
	}
	if opt.Logger == nil {
		opt.Logger = slog.Default()
	}
	s := &Service{store: store, now: opt.Now, commerce: opt.Commerce, queue: opt.Queue, events: opt.Events,
		random: opt.Random, log: opt.Logger.With("component", "assist")}
	s.room = offer.NewRoom(opt.Notifier, s.log)
	s.deps = offer.Deps{Store: store, Commerce: opt.Commerce, Now: opt.Now, Room: s.room}
	if opt.Queue != nil {
		opt.Queue.Register(ExpireJobKind, s.expireJob)
	}
	opt.Commerce.OnRelease(Source, s.onRelease)
	return s
}

// SetNotifier wires the room engine in after both are built; nil disconnects it.
func (s *Service) SetNotifier(n promo.RoomNotifier) { s.room.Set(n) }

// tellOwner sends the campaign's new state to its owner once tx commits.
func (s *Service) tellOwner(tx *db.Tx, r campaignRow, c Campaign) {
	tx.AfterCommit(func() {
		s.room.SendTo(r.SessionID, r.ViewerID, CampaignEvent{Type: "assist_campaign", Campaign: c})
	})
}

// codeBytes of randomness make a 16-character share code (80 bits): unguessable,
// short enough for a link in a chat message.
const codeBytes = 10

// newCode draws a share code: lowercase base32 without padding.
func (s *Service) newCode() (string, error) {
	b := make([]byte, codeBytes)
	if _, err := io.ReadFull(s.random, b); err != nil {
		return "", fmt.Errorf("assist: share code: %w", err)
	}
	return strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b)), nil
}
