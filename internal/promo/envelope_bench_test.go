package promo_test

import (
	"context"
	"log/slog"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/siyu-live/siyu/internal/db/dbtest"
	"github.com/siyu-live/siyu/internal/live"
	"github.com/siyu-live/siyu/internal/org"
	"github.com/siyu-live/siyu/internal/promo"
	"github.com/siyu-live/siyu/internal/promo/promotest"
)

// BenchmarkGrabStorm measures the owners and the group commit alone, without HTTP or
// the room: 10 envelopes of 10,000 shares grabbed by 100,000 viewers through 2,000
// concurrent callers on SQLite. It reports grabs/s (each committed before its answer).
func BenchmarkGrabStorm(b *testing.B) {
	for _, linger := range []time.Duration{-1, time.Millisecond, 3 * time.Millisecond} {
		b.Run("linger="+linger.String(), func(b *testing.B) { grabStorm(b, linger) })
	}
}

func grabStorm(b *testing.B, linger time.Duration) {
	const envelopes, shares, callers = 10, 10_000, 2000
	for range b.N {
		b.StopTimer()
		ctx := context.Background()
		store := dbtest.SQLite(b)
		orgs := org.NewService(store, org.Options{Password: promotest.Cheap})
		res, err := orgs.Signup(ctx, org.SignupInput{Name: "Bench", OwnerEmail: "bench@x.io", OwnerPassword: "password-123", OwnerName: "老板"})
		if err != nil {
			b.Fatal(err)
		}
		owner := promotest.Principal(res.User)
		lives := live.NewService(store, live.Options{Org: orgs})
		s, err := lives.Create(ctx, owner, live.CreateInput{Title: "压测"})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := lives.Start(ctx, owner, s.ID); err != nil {
			b.Fatal(err)
		}
		svc := promo.NewService(store, promo.Options{Org: orgs, Logger: slog.New(slog.DiscardHandler), BatchLinger: linger})
		svc.Start(ctx)
		ids := make([]int64, envelopes)
		for i := range ids {
			env, err := svc.CreateEnvelope(ctx, owner, s.ID, promo.EnvelopeInput{Total: 100_000, Count: shares, Mode: "random"})
			if err != nil {
				b.Fatal(err)
			}
			ids[i] = env.ID
		}
		var next, ok atomic.Int64
		var wg sync.WaitGroup
		b.StartTimer()
		t0 := time.Now()
		for range callers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for {
					j := next.Add(1) - 1
					if j >= envelopes*shares {
						return
					}
					v := promo.Viewer{ID: 1_000_000 + j, TenantID: owner.TenantID, SessionID: s.ID}
					if _, err := svc.Grab(ctx, v, ids[j%envelopes]); err != nil {
						b.Error(err)
						return
					}
					ok.Add(1)
				}
			}()
		}
		wg.Wait()
		b.ReportMetric(float64(ok.Load())/time.Since(t0).Seconds(), "grabs/s")
		b.StopTimer()
		svc.Stop()
	}
}
