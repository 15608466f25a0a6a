// Package demo seeds the "Demo Brand" tenant that `siyu serve --demo` and `make run` show
// a newcomer. Seeding is idempotent: running it on every start changes nothing once the
// demo exists, and never touches data the demo user has since created.
package demo

import (
	"context"
	"fmt"

	"github.com/siyu-live/siyu"
	"github.com/siyu-live/siyu/internal/commerce"
	"github.com/siyu-live/siyu/internal/live"
	"github.com/siyu-live/siyu/internal/org"
	"github.com/siyu-live/siyu/internal/promo"
	"github.com/siyu-live/siyu/internal/promo/assist"
	"github.com/siyu-live/siyu/internal/promo/coupon"
	"github.com/siyu-live/siyu/internal/promo/flashsale"
	"github.com/siyu-live/siyu/internal/promo/groupbuy"
)

// The demo logins CONTRACT.md names; printed at start-up.
const (
	TenantName = "Demo Brand"
	OwnerEmail = "owner@demo.siyu"
	HostEmail  = "host@demo.siyu"
	AgentEmail = "agent@demo.siyu"
	Password   = "siyu-demo"
)

// Seed creates the demo tenant with an owner, a host and an agent unless it exists, and
// with the domain services passed also the gift catalog and a scheduled live
// (*live.Service, see seedLive), the products in that live's showcase
// (*commerce.Service, see seedCommerce) and, with the in-room tools (*promo.Service
// and any of *flashsale.Service, *groupbuy.Service, *assist.Service, *coupon.Service),
// a finished session that used them (see seedPast). Customers join the seed as their
// domains arrive. Services are variadic so callers that predate one keep compiling; an
// unknown service is an error, never silently skipped.
func Seed(ctx context.Context, svc *org.Service, services ...any) error {
	u, err := svc.UserByEmail(ctx, OwnerEmail)
	switch siyu.ErrorCode(err) {
	case "":
	case siyu.ENOTFOUND:
		res, err := svc.Signup(ctx, org.SignupInput{Name: TenantName, OwnerEmail: OwnerEmail, OwnerPassword: Password, OwnerName: "演示店主"})
		if err != nil {
			return fmt.Errorf("demo: signup: %w", err)
		}
		u = res.User
	default:
		return fmt.Errorf("demo: %w", err)
	}
	if err := seedStaff(ctx, svc, u); err != nil {
		return err
	}
	var lv *live.Service
	var cs *commerce.Service
	var t tools
	for _, s := range services {
		switch s := s.(type) {
		case *live.Service:
			lv = s
		case *commerce.Service:
			cs = s
		case *promo.Service:
			t.promo = s
		case *flashsale.Service:
			t.flash = s
		case *groupbuy.Service:
			t.groups = s
		case *assist.Service:
			t.assists = s
		case *coupon.Service:
			t.coupons = s
		default:
			return fmt.Errorf("demo: cannot seed a %T", s)
		}
	}
	if lv != nil {
		if err := seedLive(ctx, svc, lv, u); err != nil {
			return err
		}
	}
	if cs != nil {
		if err := seedCommerce(ctx, lv, cs, u); err != nil {
			return err
		}
	}
	if lv != nil && cs != nil && t.promo != nil {
		if err := seedPast(ctx, svc, lv, cs, t, u); err != nil {
			return err
		}
	}
	return nil
}

func ownerPrincipal(owner org.User) org.Principal {
	return org.Principal{TenantID: owner.TenantID, UserID: owner.ID, Email: owner.Email, Name: owner.Name, Role: org.RoleOwner}
}

func seedStaff(ctx context.Context, svc *org.Service, owner org.User) error {
	p := ownerPrincipal(owner)
	existing, err := svc.ListStaff(ctx, p)
	if err != nil {
		return err
	}
	have := map[string]bool{}
	for _, u := range existing {
		have[u.Email] = true
	}
	for _, s := range []org.StaffInput{
		{Email: HostEmail, Name: "演示主播 小雨", Role: org.RoleHost, Password: Password},
		{Email: AgentEmail, Name: "演示客服 阿杰", Role: org.RoleAgent, Password: Password},
	} {
		if have[s.Email] {
			continue
		}
		if _, err := svc.CreateStaff(ctx, p, s); err != nil && siyu.ErrorCode(err) != siyu.ECONFLICT {
			return fmt.Errorf("demo: staff %s: %w", s.Email, err)
		}
	}
	return nil
}
