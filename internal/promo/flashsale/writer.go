package flashsale

import (
	"context"
	"errors"
	"time"

	"github.com/siyu-live/siyu/internal/commerce"
	"github.com/siyu-live/siyu/internal/db"
	"github.com/siyu-live/siyu/internal/promo/groupcommit"
)

// pending is a purchase an owner accepted, waiting for its commit.
type pending struct {
	o       *owner
	viewer  int64
	qty     int64
	reply   chan buyResult
	orderID int64
	err     error // set when this purchase did not commit
}

func (p *pending) order() commerce.NewOrder {
	return commerce.NewOrder{TenantID: p.o.tenant, SessionID: p.o.session, ViewerID: p.viewer, Source: Source, SourceID: p.o.id,
		StockHeld: true, Lines: []commerce.NewLine{{ProductID: p.o.product, SKUID: p.o.sku, Quantity: p.qty, Price: p.o.price}}}
}

// group is one sale's purchases within a batch.
type group struct {
	groupcommit.Group[*owner, *pending]
	soldOut bool // this commit sold the last unit
}

func buyOwner(p *pending) *owner { return p.o }
func ownerID(o *owner) int64     { return o.id }

// newWriter returns the group commit of flash-sale orders (see groupcommit.Writer):
// each batch writes the sales' sold counters, the buyers' units and the orders through
// commerce.CreateHeldOrdersTx in one transaction (writeBatch), then answers the
// callers. When a batch fails (a CHECK refused it, a product was archived meanwhile),
// each purchase is retried in its own transaction so one bad purchase fails alone.
func newWriter(s *Service, max int, linger time.Duration) *groupcommit.Writer[*pending] {
	return groupcommit.NewWriter(max, linger, s.commitBatch)
}

// errRefused makes a batch fall back to one transaction per purchase.
var errRefused = errors.New("flashsale: batch refused by a guard")

// commitBatch writes a batch of accepted purchases, then answers them.
func (s *Service) commitBatch(batch []*pending) {
	var groups []*group
	for _, g := range groupcommit.Split(batch, buyOwner, ownerID) {
		groups = append(groups, &group{Group: g})
	}
	ctx := context.Background()
	err := s.store.Tx(ctx, func(tx *db.Tx) error {
		for _, g := range groups {
			g.soldOut = false
		}
		return s.writeBatch(ctx, tx, groups)
	})
	if err != nil {
		if !errors.Is(err, errRefused) {
			s.log.Warn("flash sale batch failed; committing one by one", "orders", len(batch), "err", err)
		}
		for _, g := range groups {
			g.soldOut = false
			for _, p := range g.Items {
				sold, err := s.commitOne(ctx, p)
				p.err = err
				g.soldOut = g.soldOut || sold
			}
			g.Owner.needReload.Store(true)
		}
	}
	for _, g := range groups {
		for _, p := range g.Items {
			if p.err != nil {
				p.reply <- buyResult{err: p.err}
			} else {
				p.reply <- buyResult{orderID: p.orderID}
			}
		}
		g.Owner.inflight.Add(-int64(len(g.Items)))
		s.pulses.changed(g.Owner.id, g.soldOut)
	}
}
