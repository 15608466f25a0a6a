package community

import (
	"context"
	"fmt"
	"time"
)

// How much of the group's history the members' page shows.
const (
	pageEnvelopes = 10
	pageChains    = 10
)

// PublicCommunity is what anyone with the link sees of a community.
type PublicCommunity struct {
	Code           string    `json:"code"`
	Name           string    `json:"name"`
	AvatarURL      string    `json:"avatar_url"`
	Announcement   string    `json:"announcement"`
	AnnouncementAt time.Time `json:"announcement_updated_at,omitzero"`
	JoinMode       string    `json:"join_mode"`
	MemberCount    int64     `json:"member_count"`
	Brand          string    `json:"brand"`
	// BrandKey tells the page under which key this device keeps its guest token (one
	// per brand, shared by the brand's groups).
	BrandKey int64 `json:"brand_key"`
}

// Me is the caller as the group knows them.
type Me struct {
	Nickname string `json:"nickname"`
	Member   bool   `json:"member"`
}

// Page is GET /api/v1/g/{code}: the announcement and live preview for anyone, the
// envelopes and chains (with who grabbed and signed up) for members only.
type Page struct {
	Community     PublicCommunity `json:"community"`
	Live          *Live           `json:"live,omitempty"`
	Me            *Me             `json:"me,omitempty"`
	OpenEnvelopes int             `json:"open_envelopes"`
	OpenChains    int             `json:"open_chains"`
	Envelopes     []Envelope      `json:"envelopes"`
	Chains        []Chain         `json:"chains"`
}

// Page returns the members' page of a code; g is the caller's guest (nil for none;
// another brand's guest is nobody here).
func (s *Service) Page(ctx context.Context, code string, g *Guest) (Page, error) {
	c, err := byCode(ctx, s.store, code)
	if err != nil {
		return Page{}, err
	}
	out := Page{Envelopes: []Envelope{}, Chains: []Chain{}}
	out.Community = PublicCommunity{Code: c.Code, Name: c.Name, AvatarURL: c.AvatarURL, Announcement: c.Announcement,
		AnnouncementAt: msTime(c.AnnouncementAt), JoinMode: c.JoinMode, BrandKey: c.TenantID}
	counts, err := memberCounts(ctx, s.store, c.TenantID, []int64{c.ID})
	if err != nil {
		return Page{}, err
	}
	out.Community.MemberCount = counts[c.ID]
	if err := s.store.GetContext(ctx, &out.Community.Brand, `SELECT name FROM tenants WHERE id = ?`, c.TenantID); err != nil {
		return Page{}, fmt.Errorf("community: brand: %w", err)
	}
	if out.Live, err = s.livePreview(ctx, c); err != nil {
		return Page{}, err
	}
	if err := s.expireDue(ctx, c.TenantID, c.ID); err != nil {
		return Page{}, err
	}
	var rows []envelopeRow
	if err := s.store.SelectContext(ctx, &rows, envelopeSelect+` WHERE e.tenant_id = ? AND e.community_id = ? ORDER BY e.id DESC LIMIT ?`,
		c.TenantID, c.ID, pageEnvelopes); err != nil {
		return Page{}, fmt.Errorf("community: page envelopes: %w", err)
	}
	chains, err := listChains(ctx, s.store, c.TenantID, c.ID)
	if err != nil {
		return Page{}, err
	}
	now := s.now().UnixMilli()
	for _, r := range rows {
		if r.Status == StatusOpen {
			out.OpenEnvelopes++
		}
	}
	for _, r := range chains {
		if r.open(now) {
			out.OpenChains++
		}
	}
	if g == nil || g.TenantID != c.TenantID {
		return out, nil
	}
	member, err := isMember(ctx, s.store, c.TenantID, c.ID, g.CustomerID)
	if err != nil {
		return Page{}, err
	}
	out.Me = &Me{Nickname: g.Nickname, Member: member}
	if !member {
		return out, nil
	}
	for _, r := range rows {
		e, err := withGrabs(ctx, s.store, r, g.CustomerID, false)
		if err != nil {
			return Page{}, err
		}
		out.Envelopes = append(out.Envelopes, e)
	}
	if len(chains) > pageChains {
		chains = chains[:pageChains]
	}
	for _, r := range chains {
		ch, err := s.withEntries(ctx, r, g.CustomerID, false)
		if err != nil {
			return Page{}, err
		}
		out.Chains = append(out.Chains, ch)
	}
	return out, nil
}
