package demo_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/siyu-live/siyu/internal/db"
	"github.com/siyu-live/siyu/internal/db/dbtest"
	"github.com/siyu-live/siyu/internal/demo"
	"github.com/siyu-live/siyu/internal/live"
	"github.com/siyu-live/siyu/internal/org"
)

// TestSeedIsIdempotent: seeding twice (every `serve --demo` start) leaves one demo live
// session with its entries, banned words and the default gift catalog.
func TestSeedIsIdempotent(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, store *db.DB) {
		ctx := context.Background()
		svc := org.NewService(store, org.Options{Password: org.PasswordParams{Memory: 1024, Time: 1, Threads: 1}})
		lv := live.NewService(store, live.Options{Org: svc, PublicURL: "http://demo.test"})
		for range 2 {
			if err := demo.Seed(ctx, svc, lv); err != nil {
				t.Fatal(err)
			}
		}
		owner, err := svc.UserByEmail(ctx, demo.OwnerEmail)
		if err != nil {
			t.Fatal(err)
		}
		host, _ := svc.UserByEmail(ctx, demo.HostEmail)
		p := org.Principal{TenantID: owner.TenantID, UserID: owner.ID, Role: org.RoleOwner}
		list, _, err := lv.List(ctx, p, "", 0, 50)
		if err != nil || len(list) != 1 {
			t.Fatalf("sessions: %d %v", len(list), err)
		}
		s := list[0]
		at := s.ScheduledAt.In(time.FixedZone("CST", 8*3600))
		if s.Title != demo.LiveTitle || s.Status != live.StatusScheduled || s.Host.ID != host.ID || at.Hour() != 20 ||
			!at.After(time.Now()) || s.Announcement == "" || len(s.Rundown) < 3 || strings.Join(s.BannedWords, ",") != "微信,加V,vx" {
			t.Fatalf("demo session: %+v", s)
		}
		entries, _ := lv.ListEntries(ctx, p, s.ID)
		if len(entries) != 2 || entries[0].Channel != "community" || entries[1].Channel != "official_account" {
			t.Fatalf("entries: %+v", entries)
		}
		gifts, _ := lv.Gifts(ctx, p)
		if len(gifts) != len(live.DefaultGifts) {
			t.Fatalf("gifts: %d", len(gifts))
		}
		// Older callers without the live service still seed the staff.
		if err := demo.Seed(ctx, svc); err != nil {
			t.Fatal(err)
		}
	})
}
