package demo_test

import (
	"context"
	"testing"

	"github.com/siyu-live/siyu/internal/commerce"
	"github.com/siyu-live/siyu/internal/db"
	"github.com/siyu-live/siyu/internal/db/dbtest"
	"github.com/siyu-live/siyu/internal/demo"
	"github.com/siyu-live/siyu/internal/live"
	"github.com/siyu-live/siyu/internal/org"
)

// TestSeedProducts: seeding with the commerce service creates the demo products once,
// with SKUs, in the demo live's showcase; a product the demo user archived (or a
// showcase they changed) is left alone on the next start.
func TestSeedProducts(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, store *db.DB) {
		ctx := context.Background()
		svc := org.NewService(store, org.Options{Password: org.PasswordParams{Memory: 1024, Time: 1, Threads: 1}})
		lv := live.NewService(store, live.Options{Org: svc, PublicURL: "http://demo.test"})
		cs := commerce.NewService(store, commerce.Options{PublicURL: "http://demo.test"})
		for range 2 {
			if err := demo.Seed(ctx, svc, lv, cs); err != nil {
				t.Fatal(err)
			}
		}
		owner, _ := svc.UserByEmail(ctx, demo.OwnerEmail)
		p := org.Principal{TenantID: owner.TenantID, UserID: owner.ID, Role: org.RoleOwner}
		products, _, err := cs.Products(ctx, p, "", 0, 50)
		if err != nil || len(products) != len(demo.DemoProducts) {
			t.Fatalf("products: %d %v", len(products), err)
		}
		coat := products[len(products)-1]
		if coat.Name != "羊绒混纺大衣" || coat.Price != 59900 || len(coat.SKUs) < 3 {
			t.Fatalf("coat: %+v", coat)
		}
		sessions, _, _ := lv.List(ctx, p, "", 0, 10)
		sc, err := cs.PublicShowcase(ctx, sessions[0].ID)
		if err != nil || len(sc.Items) != len(demo.DemoProducts) || sc.Items[0].Product.Name != "羊绒混纺大衣" {
			t.Fatalf("showcase: %+v %v", sc, err)
		}
		if _, err := cs.ArchiveProduct(ctx, p, coat.ID); err != nil {
			t.Fatal(err)
		}
		if err := demo.Seed(ctx, svc, lv, cs); err != nil {
			t.Fatal(err)
		}
		if sc, _ = cs.PublicShowcase(ctx, sessions[0].ID); len(sc.Items) != len(demo.DemoProducts)-1 {
			t.Fatalf("seeding again re-added an archived product: %d items", len(sc.Items))
		}
		if err := demo.Seed(ctx, svc, "not a service"); err == nil {
			t.Fatal("an unknown service was silently skipped")
		}
	})
}
