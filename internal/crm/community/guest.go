package community

import (
	"context"
	"crypto/subtle"
	"encoding/hex"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/siyu-live/siyu"
	"github.com/siyu-live/siyu/internal/crm"
	"github.com/siyu-live/siyu/internal/db"
	"github.com/siyu-live/siyu/internal/org"
)

// GuestTokenPrefix marks guest tokens, as "sv_" marks viewer tokens.
const GuestTokenPrefix = "sg_"

// IdentityKind is the CRM identity of a person first known from a community page.
const IdentityKind = crm.KindPlatform + "community"

// SourceChannel is the first-touch source of a profile created by joining a community
// (the entry-link channel of the same name).
const SourceChannel = "community"

// CodeInviteRequired refuses joining an invite-only group without its invite code.
const CodeInviteRequired = "invite_required"

// MaxNickname bounds a member's nickname.
const MaxNickname = 20

// Guest is a device's identity on a brand's community pages: the customer it stands
// for (as they are now, merges followed) and the nickname shown in the group.
type Guest struct {
	ID         int64  `db:"id"`
	TenantID   int64  `db:"tenant_id"`
	CustomerID int64  `db:"customer_id"`
	Nickname   string `db:"nickname"`
}

// JoinInput is the body of POST /api/v1/g/{code}/join.
type JoinInput struct {
	Nickname string `json:"nickname,omitempty"` // needed the first time (no guest token yet)
	Invite   string `json:"invite,omitempty"`   // the invite code of an invite-only group
	// ViewerToken is a live viewer token of the same brand this device holds: the
	// member is then that viewer's customer, not a new profile.
	ViewerToken string `json:"viewer_token,omitempty"`
}

// Joined answers a join. Token is set only when a guest was created: keep it.
type Joined struct {
	Token    string `json:"token,omitempty"`
	Nickname string `json:"nickname"`
	Member   bool   `json:"member"`
}

// AuthenticateGuest resolves a guest token; a token whose customer was erased no
// longer authenticates.
func (s *Service) AuthenticateGuest(ctx context.Context, token string) (Guest, error) {
	if !strings.HasPrefix(token, GuestTokenPrefix) || len(token) > 100 {
		return Guest{}, siyu.Errorf(siyu.EUNAUTHORIZED, "invalid guest token")
	}
	var g Guest
	err := s.store.GetContext(ctx, &g, `SELECT id, tenant_id, customer_id, nickname FROM community_guests WHERE token_hash = ?`,
		org.HashSecret(token))
	if db.IsNoRows(err) {
		return Guest{}, siyu.Errorf(siyu.EUNAUTHORIZED, "invalid guest token")
	} else if err != nil {
		return Guest{}, fmt.Errorf("community: authenticate guest: %w", err)
	}
	if g.CustomerID, err = survivor(ctx, s.store, g.TenantID, g.CustomerID); siyu.ErrorCode(err) == siyu.ENOTFOUND {
		return Guest{}, siyu.Errorf(siyu.EUNAUTHORIZED, "invalid guest token")
	}
	return g, err
}

// guestCommunity reads the community of a code for a guest: another brand's guest
// finds nothing there.
func (s *Service) guestCommunity(ctx context.Context, g Guest, code string) (communityRow, error) {
	c, err := byCode(ctx, s.store, code)
	if err != nil {
		return c, err
	}
	if g.TenantID != c.TenantID {
		return communityRow{}, siyu.Errorf(siyu.ENOTFOUND, "community %q not found", code)
	}
	return c, nil
}

// Join makes the caller a member of the community of code. Without a guest token of
// the brand (token "" or another brand's), it first makes a guest with a nickname,
// standing for the profile of the live viewer token given or a new profile. An
// invite-only group needs its invite code, unless the caller is a member already.
func (s *Service) Join(ctx context.Context, code, token string, in JoinInput) (Joined, error) {
	c, err := byCode(ctx, s.store, code)
	if err != nil {
		return Joined{}, err
	}
	var g Guest
	if token != "" {
		if g, err = s.AuthenticateGuest(ctx, token); err != nil {
			return Joined{}, err
		}
		if g.TenantID != c.TenantID {
			g = Guest{} // another brand's guest: this brand knows nobody yet
		}
	}
	if g.ID != 0 {
		member, err := isMember(ctx, s.store, c.TenantID, c.ID, g.CustomerID)
		if err != nil || member {
			return Joined{Nickname: g.Nickname, Member: member}, err
		}
	}
	if c.JoinMode == JoinInvite && subtle.ConstantTimeCompare([]byte(strings.TrimSpace(in.Invite)), []byte(c.InviteCode)) != 1 {
		return Joined{}, siyu.Errorf(CodeInviteRequired, "this group is invite-only: open the invite link a manager shared")
	}
	out := Joined{Member: true}
	if g.ID == 0 {
		if g, out.Token, err = s.newGuest(ctx, c.TenantID, in); err != nil {
			return Joined{}, err
		}
	}
	out.Nickname = g.Nickname
	_, err = insertMembers(ctx, s.store, c.TenantID, c.ID, []int64{g.CustomerID}, SourceJoin, 0, s.now().UnixMilli())
	return out, err
}

// newGuest creates a guest of the brand and its token.
func (s *Service) newGuest(ctx context.Context, tenantID int64, in JoinInput) (Guest, string, error) {
	nick, err := text("nickname", in.Nickname, 1, MaxNickname, false)
	if err != nil {
		return Guest{}, "", err
	}
	customerID, err := s.viewerCustomer(ctx, tenantID, in.ViewerToken)
	if err != nil {
		return Guest{}, "", err
	}
	if customerID == 0 {
		key := make([]byte, 12)
		if _, err := io.ReadFull(s.random, key); err != nil {
			return Guest{}, "", fmt.Errorf("community: guest key: %w", err)
		}
		cu, err := s.crm.Create(ctx, system(tenantID), crm.CustomerInput{Name: nick, Source: SourceChannel,
			Identities: []crm.Identity{{Kind: IdentityKind, Value: hex.EncodeToString(key)}}})
		if err != nil {
			return Guest{}, "", fmt.Errorf("community: guest profile: %w", err)
		}
		customerID = cu.ID
	}
	b := make([]byte, 24)
	if _, err := io.ReadFull(s.random, b); err != nil {
		return Guest{}, "", fmt.Errorf("community: guest token: %w", err)
	}
	token := GuestTokenPrefix + hex.EncodeToString(b)
	id, err := db.Insert(ctx, s.store, `INSERT INTO community_guests (tenant_id, token_hash, customer_id, nickname, created_at)
		VALUES (?, ?, ?, ?, ?)`, tenantID, org.HashSecret(token), customerID, nick, s.now().UnixMilli())
	if err != nil {
		return Guest{}, "", fmt.Errorf("community: create guest: %w", err)
	}
	return Guest{ID: id, TenantID: tenantID, CustomerID: customerID, Nickname: nick}, token, nil
}

// viewerCustomer is the profile of a live viewer token of the brand (made now if the
// CRM has not applied the viewer yet); 0 without a usable token.
func (s *Service) viewerCustomer(ctx context.Context, tenantID int64, token string) (int64, error) {
	token = strings.TrimSpace(token)
	if token == "" {
		return 0, nil
	}
	v, err := s.live.AuthenticateViewer(ctx, token)
	if siyu.ErrorCode(err) == siyu.EUNAUTHORIZED || (err == nil && v.TenantID != tenantID) {
		return 0, nil // stale or another brand's: not this person's profile here
	} else if err != nil {
		return 0, err
	}
	if err := s.crm.Apply(ctx, crm.Signal{Kind: crm.SignalActivity, TenantID: tenantID, ViewerID: v.ID, At: s.now()}); err != nil {
		return 0, fmt.Errorf("community: viewer profile: %w", err)
	}
	cu, err := s.crm.ByIdentity(ctx, system(tenantID), crm.KindViewer, strconv.FormatInt(v.ID, 10))
	if siyu.ErrorCode(err) == siyu.ENOTFOUND {
		return 0, nil
	}
	return cu.ID, err
}
