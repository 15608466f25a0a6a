package promo

import (
	"context"
	"fmt"
	"time"

	"github.com/siyu-live/siyu/internal/db"
	"github.com/siyu-live/siyu/internal/promo/groupcommit"
)

// pending is a grab an owner decided, waiting for its commit.
type pending struct {
	o      *owner
	viewer int64
	seq    int32
	amount int64
	last   bool // took the envelope's last free share
	reply  func(amount int64, err error)
	err    error // set by the writer when this grab did not commit
}

// group is one envelope's grabs within a batch.
type group struct {
	groupcommit.Group[*owner, *pending]
	open bool // the envelope row was open and booked
}

func grabOwner(p *pending) *owner { return p.o }
func ownerID(o *owner) int64      { return o.id }

// newWriter returns the group commit of red-envelope grabs (see groupcommit.Writer): a
// storm of grabs is written in a few large transactions, each the envelopes' totals
// plus one multi-row insert (writeBatch), and only then answered.
func newWriter(s *Service, max int, linger time.Duration) *groupcommit.Writer[*pending] {
	return groupcommit.NewWriter(max, linger, s.commitGrabs)
}

// commitGrabs writes a batch of decided grabs in one transaction, then answers them.
func (s *Service) commitGrabs(batch []*pending) {
	var groups []*group
	for _, g := range groupcommit.Split(batch, grabOwner, ownerID) {
		groups = append(groups, &group{Group: g})
	}
	now := s.now().UnixMilli()
	err := s.store.Tx(context.Background(), func(tx *db.Tx) error {
		for _, p := range batch {
			p.err = nil
		}
		return writeBatch(context.Background(), tx, groups, now)
	})
	if err != nil {
		s.log.Error("commit red envelope grabs", "grabs", len(batch), "err", err)
	}
	for _, g := range groups {
		emptied, failed := false, err != nil
		for _, p := range g.Items {
			switch {
			case err != nil:
				p.reply(0, fmt.Errorf("promo: grab: %w", err))
			case p.err != nil:
				failed = true
				p.reply(0, p.err)
			default:
				p.reply(p.amount, nil)
				emptied = emptied || p.last
			}
		}
		if failed {
			g.Owner.needReload.Store(true)
		}
		g.Owner.inflight.Add(-int64(len(g.Items)))
		if emptied {
			go s.broadcast(g.Owner.session, EnvelopeEmptyEvent{Type: "red_envelope_empty", ID: g.Owner.id})
		}
	}
}
