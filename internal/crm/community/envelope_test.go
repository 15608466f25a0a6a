package community_test

import (
	"encoding/json"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/siyu-live/siyu"
	"github.com/siyu-live/siyu/internal/crm/community"
	"github.com/siyu-live/siyu/internal/crm/crmtest"
)

// Under concurrent grabs — every member grabbing twice at once, more members than
// shares — exactly count members get a share, each share is at least 1 fen, the
// shares add up to the total exactly, and nobody grabs twice.
func TestConcurrentGrabsAddUpAndNobodyGrabsTwice(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		c := e.community(e.Owner, community.Input{Name: "抢红包群"})
		const members, shares, total = 24, 16, 1000
		guests := make([]community.Guest, members)
		for i := range guests {
			guests[i] = e.member(c, fmt.Sprintf("群友%02d", i))
		}
		for _, mode := range []string{"random", "fixed"} {
			env, err := e.svc.SendEnvelope(e.Ctx, e.Owner, c.ID, community.EnvelopeInput{Total: total, Count: shares, Mode: mode})
			if err != nil {
				t.Fatal(err)
			}
			var mu sync.Mutex
			won := map[int64]int64{} // customer → amount
			codes := map[string]int{}
			var wg sync.WaitGroup
			for _, g := range guests {
				for range 2 {
					wg.Add(1)
					go func() {
						defer wg.Done()
						res, err := e.svc.Grab(e.Ctx, g, c.Code, env.ID)
						mu.Lock()
						defer mu.Unlock()
						if err != nil {
							codes[siyu.ErrorCode(err)]++
							return
						}
						if _, twice := won[g.CustomerID]; twice {
							t.Errorf("%s grabbed twice", g.Nickname)
						}
						won[g.CustomerID] = res.Amount
					}()
				}
			}
			wg.Wait()
			var sum int64
			for _, a := range won {
				if a < 1 {
					t.Errorf("a share of %d fen", a)
				}
				sum += a
			}
			if len(won) != shares || sum != total {
				t.Fatalf("%s: %d winners sharing %d fen, want %d sharing %d (refusals %v)", mode, len(won), sum, shares, total, codes)
			}
			if codes[community.CodeEmpty]+codes[community.CodeAlreadyGrabbed] != 2*members-shares || len(codes) > 2 {
				t.Fatalf("%s: refusals %v", mode, codes)
			}
			got, err := e.svc.GetEnvelope(e.Ctx, e.Owner, c.ID, env.ID)
			if err != nil || got.Status != community.StatusEmpty || got.Grabbed != total || got.GrabbedCount != shares ||
				got.Remaining != 0 || got.Refunded != 0 || len(got.Grabs) != shares || got.ClosedAt.IsZero() {
				t.Fatalf("%s: envelope after: %s %v", mode, mustJSON(got), err)
			}
			if mode == "fixed" {
				for _, g := range got.Grabs {
					if g.Amount != total/shares && g.Amount != total/shares+1 {
						t.Fatalf("fixed share %d", g.Amount)
					}
				}
			}
		}
	})
}

// An envelope not taken in time is refunded once, by its timer (the tenant's
// community_envelope_hours setting): status expired, refunded = total − grabbed, a
// community.red_envelope.refunded webhook; later grabs are refused as expired.
func TestExpiryRefundsTheRest(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		if _, err := e.Org.UpdateSettings(e.Ctx, e.Owner, map[string]json.RawMessage{"community_envelope_hours": json.RawMessage("2")}); err != nil {
			t.Fatal(err)
		}
		c := e.community(e.Owner, community.Input{Name: "群"})
		a, b, late := e.member(c, "阿花"), e.member(c, "小美"), e.member(c, "迟到的")
		env, err := e.svc.SendEnvelope(e.Ctx, e.Owner, c.ID, community.EnvelopeInput{Total: 888, Count: 10, Mode: "random", Message: "周末快乐"})
		if err != nil {
			t.Fatal(err)
		}
		if !env.ExpiresAt.Equal(e.Clock.Now().Add(2*time.Hour)) || env.Remaining != 888 || env.RemainingCount != 10 {
			t.Fatalf("sent: %s", mustJSON(env))
		}
		ra, err := e.svc.Grab(e.Ctx, a, c.Code, env.ID)
		if err != nil {
			t.Fatal(err)
		}
		rb, err := e.svc.Grab(e.Ctx, b, c.Code, env.ID)
		if err != nil {
			t.Fatal(err)
		}
		_, err = e.svc.Grab(e.Ctx, a, c.Code, env.ID)
		crmtest.Code(t, err, community.CodeAlreadyGrabbed)
		e.Clock.Add(2*time.Hour + time.Second)
		e.RunJobs()
		got, err := e.svc.GetEnvelope(e.Ctx, e.Owner, c.ID, env.ID)
		grabbed := ra.Amount + rb.Amount
		if err != nil || got.Status != community.StatusExpired || got.Grabbed != grabbed || got.Refunded != 888-grabbed ||
			got.Remaining != 0 || got.RemainingCount != 0 {
			t.Fatalf("after expiry: %s %v", mustJSON(got), err)
		}
		if n := e.events.Count(community.EventEnvelopeRefunded); n != 1 {
			t.Fatalf("%d refund events", n)
		}
		_, err = e.svc.Grab(e.Ctx, late, c.Code, env.ID)
		crmtest.Code(t, err, community.CodeExpired)
		e.RunJobs()
		if n := e.events.Count(community.EventEnvelopeRefunded); n != 1 {
			t.Fatalf("refunded again: %d events", n)
		}

		// Past its time before the timer ran: the first read refunds it.
		env2, err := e.svc.SendEnvelope(e.Ctx, e.Owner, c.ID, community.EnvelopeInput{Total: 100, Count: 2, Mode: "fixed", ExpiresInSeconds: 60})
		if err != nil {
			t.Fatal(err)
		}
		e.Clock.Add(61 * time.Second)
		_, err = e.svc.Grab(e.Ctx, late, c.Code, env2.ID)
		crmtest.Code(t, err, community.CodeExpired)
		got2, _ := e.svc.GetEnvelope(e.Ctx, e.Owner, c.ID, env2.ID)
		if got2.Status != community.StatusExpired || got2.Refunded != 100 {
			t.Fatalf("lazily expired: %s", mustJSON(got2))
		}

		// Deleting the group refunds its open envelopes at once.
		env3, err := e.svc.SendEnvelope(e.Ctx, e.Owner, c.ID, community.EnvelopeInput{Total: 300, Count: 3, Mode: "fixed"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.Grab(e.Ctx, late, c.Code, env3.ID); err != nil {
			t.Fatal(err)
		}
		if err := e.svc.Delete(e.Ctx, e.Owner, c.ID); err != nil {
			t.Fatal(err)
		}
		if n := e.events.Count(community.EventEnvelopeRefunded); n != 3 {
			t.Fatalf("%d refund events after delete, want 3", n)
		}
	})
}

// Only the group's managers (and owners/admins) send envelopes; bad amounts name their
// field; non-members cannot grab; another brand sees nothing.
func TestEnvelopeRules(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		c := e.community(e.Owner, community.Input{Name: "群"})
		in := community.EnvelopeInput{Total: 100, Count: 5, Mode: "random"}
		_, err := e.svc.SendEnvelope(e.Ctx, e.agent, c.ID, in)
		crmtest.Code(t, err, siyu.EFORBIDDEN)
		_, err = e.svc.SendEnvelope(e.Ctx, e.kos, c.ID, in)
		crmtest.Code(t, err, siyu.EFORBIDDEN)
		if _, err := e.svc.SetManagers(e.Ctx, e.Owner, c.ID, community.ManagersInput{UserIDs: []int64{e.agent.UserID}}); err != nil {
			t.Fatal(err)
		}
		env, err := e.svc.SendEnvelope(e.Ctx, e.agent, c.ID, in)
		if err != nil || env.SentBy != "agent" || env.Message == "" {
			t.Fatalf("manager's envelope: %+v %v", env, err)
		}
		for _, bad := range []struct {
			in    community.EnvelopeInput
			field string
		}{
			{community.EnvelopeInput{Total: 3, Count: 5, Mode: "random"}, "total"},
			{community.EnvelopeInput{Total: 0, Count: 1, Mode: "random"}, "total"},
			{community.EnvelopeInput{Total: 100, Count: 0, Mode: "random"}, "count"},
			{community.EnvelopeInput{Total: 100000, Count: community.MaxEnvelopeShares + 1, Mode: "random"}, "count"},
			{community.EnvelopeInput{Total: 100, Count: 5, Mode: "lucky"}, "mode"},
			{community.EnvelopeInput{Total: 100, Count: 5, Mode: "fixed", ExpiresInSeconds: 5}, "expires_in_seconds"},
			{community.EnvelopeInput{Total: 100, Count: 5, Mode: "fixed", Message: "\x00"}, "message"},
		} {
			_, err := e.svc.SendEnvelope(e.Ctx, e.Owner, c.ID, bad.in)
			crmtest.Code(t, err, siyu.EINVALID, bad.field)
		}
		// A guest of the brand who is not a member of this group.
		c2 := e.community(e.Owner, community.Input{Name: "另一个群"})
		outsider := e.member(c2, "外人")
		_, err = e.svc.Grab(e.Ctx, outsider, c.Code, env.ID)
		crmtest.Code(t, err, community.CodeNotMember)
		m := e.member(c, "群友")
		_, err = e.svc.Grab(e.Ctx, m, c.Code, env.ID+1000)
		crmtest.Code(t, err, siyu.ENOTFOUND)
		_, err = e.svc.Grab(e.Ctx, m, c2.Code, env.ID)
		crmtest.Code(t, err, siyu.ENOTFOUND)

		other := e.Signup("Other")
		_, err = e.svc.GetEnvelope(e.Ctx, other, c.ID, env.ID)
		crmtest.Code(t, err, siyu.ENOTFOUND)
		_, err = e.svc.SendEnvelope(e.Ctx, other, c.ID, in)
		crmtest.Code(t, err, siyu.ENOTFOUND)

		res, err := e.svc.Grab(e.Ctx, m, c.Code, env.ID)
		if err != nil {
			t.Fatal(err)
		}
		page, err := e.svc.Page(e.Ctx, c.Code, &m)
		if err != nil || len(page.Envelopes) != 1 || page.Envelopes[0].MyAmount != res.Amount || page.OpenEnvelopes != 1 ||
			len(page.Envelopes[0].Grabs) != 1 || page.Envelopes[0].Grabs[0].CustomerID != 0 || page.Envelopes[0].Grabs[0].Nickname != "群友" {
			t.Fatalf("member's page: %s %v", mustJSON(page), err)
		}
		anon, _ := e.svc.Page(e.Ctx, c.Code, nil)
		if len(anon.Envelopes) != 0 || anon.OpenEnvelopes != 1 {
			t.Fatalf("anonymous page shows envelopes: %s", mustJSON(anon))
		}
	})
}
