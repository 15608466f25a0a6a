package promo_test

import (
	"sync"
	"testing"

	"github.com/siyu-live/siyu/internal/db"
	"github.com/siyu-live/siyu/internal/db/dbtest"
	"github.com/siyu-live/siyu/internal/promo"
)

// TestLikeMilestoneSendsTheArmedEnvelopeOnce: below the milestone nothing happens; at
// it the envelope goes out once, even when the room reports likes from many
// goroutines and after a restart.
func TestLikeMilestoneSendsTheArmedEnvelopeOnce(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, store *db.DB) {
		e := newEnv(t, store)
		in := promo.RuleInput{LikesMilestone: 10_000, EnvelopeInput: promo.EnvelopeInput{Total: 6666, Count: 66, Mode: "random",
			Message: "点赞破万"}}
		rule, err := e.svc.CreateRule(e.Ctx, e.Host, e.Session, in)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.CreateRule(e.Ctx, e.Host, e.Session, promo.RuleInput{LikesMilestone: 20_000,
			EnvelopeInput: promo.EnvelopeInput{Total: 100, Count: 1, Mode: "fixed"}}); err != nil {
			t.Fatal(err)
		}
		_, err = e.svc.CreateRule(e.Ctx, e.Host, e.Session, promo.RuleInput{EnvelopeInput: in.EnvelopeInput})
		code(t, "no milestone", err, "invalid", "likes_milestone")
		_, err = e.svc.CreateRule(e.Ctx, e.Signup("B"), e.Session, in)
		code(t, "another tenant's session", err, "not_found")

		e.svc.OnLikes(e.Ctx, e.Session, 9_999)
		if n := len(e.Room.OfType("red_envelope")); n != 0 {
			t.Fatalf("%d envelopes below the milestone", n)
		}
		var wg sync.WaitGroup
		for range 20 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				e.svc.OnLikes(e.Ctx, e.Session, 10_050)
			}()
		}
		wg.Wait()
		sent := e.Room.OfType("red_envelope")
		if len(sent) != 1 {
			t.Fatalf("%d envelopes at the milestone, want 1", len(sent))
		}
		rules, err := e.svc.ListRules(e.Ctx, e.Host, e.Session)
		if err != nil || len(rules) != 2 || rules[0].ID != rule.ID || rules[0].EnvelopeID == 0 || rules[0].FiredAt.IsZero() ||
			rules[1].EnvelopeID != 0 {
			t.Fatalf("rules after the milestone: %+v %v", rules, err)
		}
		env, err := e.svc.GetEnvelope(e.Ctx, e.Host, rules[0].EnvelopeID)
		if err != nil || env.Total != 6666 || env.Count != 66 || env.RuleID != rule.ID || env.Message != "点赞破万" {
			t.Fatalf("milestone envelope: %+v %v", env, err)
		}
		if res, err := e.svc.Grab(e.Ctx, e.ViewerOf(e.Session, "v"), env.ID); err != nil || res.Amount < 1 {
			t.Fatalf("grab the milestone envelope: %+v %v", res, err)
		}
		e.build()
		if ids, err := e.svc.FireMilestones(e.Ctx, e.Session, 15_000); err != nil || len(ids) != 0 {
			t.Fatalf("after a restart: sent %v %v", ids, err)
		}
		ids, err := e.svc.FireMilestones(e.Ctx, e.Session, 20_000)
		if err != nil || len(ids) != 1 {
			t.Fatalf("second milestone: %v %v", ids, err)
		}
		if err := e.svc.DeleteRule(e.Ctx, e.Host, rule.ID); err != nil {
			t.Fatal(err)
		}
		code(t, "delete twice", e.svc.DeleteRule(e.Ctx, e.Host, rule.ID), "not_found")
	})
}
