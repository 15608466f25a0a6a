package crm

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/siyu-live/siyu"
	"github.com/siyu-live/siyu/internal/db"
)

// Identity kinds. A platform id is "platform:<name>", e.g. platform:douyin.
const (
	KindViewer        = "viewer"
	KindPhone         = "phone"
	KindWechatOpenID  = "wechat_openid"
	KindWechatUnionID = "wechat_unionid"
	KindPlatform      = "platform:"
)

// Origins say how a profile came to exist.
const (
	OriginViewer = "viewer" // a viewer of a live room
	OriginAPI    = "api"    // created by staff or an integration
)

// SourceDirect is the touch source of a viewer who came without an entry link.
const SourceDirect = "direct"

// Identity is one way a profile is known. Value is masked for staff without
// contacts.view unless it is a viewer id.
type Identity struct {
	Kind  string `json:"kind" db:"kind"`
	Value string `json:"value" db:"value"`
}

var (
	platformName = regexp.MustCompile(`^platform:[a-z][a-z0-9_]{0,31}$`)
	phoneRe      = regexp.MustCompile(`^\+?[0-9]{5,20}$`)
)

// NormalizePhone removes spaces, dashes and a +86/0086 prefix from a mainland number
// and checks what is left is a phone number, so one person's number is one identity
// however it was typed.
func NormalizePhone(p string) (string, error) {
	p = strings.NewReplacer(" ", "", "-", "", "(", "", ")", "").Replace(strings.TrimSpace(p))
	for _, pre := range []string{"+86", "0086"} {
		if strings.HasPrefix(p, pre) && len(p) == len(pre)+11 {
			p = p[len(pre):]
		}
	}
	if !phoneRe.MatchString(p) {
		return "", siyu.Invalid("phone", "phone must be 5–20 digits, optionally with a leading +")
	}
	return p, nil
}

// normalizeIdentity checks an identity given by staff or an integration. Viewer
// identities are linked by the CRM itself from live rooms and cannot be given.
func normalizeIdentity(id Identity) (Identity, error) {
	id.Kind = strings.TrimSpace(id.Kind)
	id.Value = strings.TrimSpace(id.Value)
	switch {
	case id.Kind == KindPhone:
		p, err := NormalizePhone(id.Value)
		if err != nil {
			return id, siyu.Invalid("identities", "phone identity: %s", siyu.ErrorMessage(err))
		}
		id.Value = p
	case id.Kind == KindWechatOpenID || id.Kind == KindWechatUnionID || platformName.MatchString(id.Kind):
		if id.Value == "" || utf8.RuneCountInString(id.Value) > 128 || strings.ContainsAny(id.Value, " \t\r\n") {
			return id, siyu.Invalid("identities", "%s must be 1–128 characters without spaces", id.Kind)
		}
	default:
		return id, siyu.Invalid("identities", "identity kind must be phone, wechat_openid, wechat_unionid or platform:<name>, got %q", id.Kind)
	}
	return id, nil
}

// channel returns the channel of an entry link (cached: links never change channel),
// SourceDirect for none.
func (s *Service) channel(ctx context.Context, q db.Querier, linkID int64) (string, error) {
	if linkID == 0 {
		return SourceDirect, nil
	}
	if c, ok := s.channels.Load(linkID); ok {
		return c.(string), nil
	}
	var c string
	err := q.GetContext(ctx, &c, `SELECT channel FROM entry_links WHERE id = ?`, linkID)
	if db.IsNoRows(err) {
		return SourceDirect, nil
	} else if err != nil {
		return "", fmt.Errorf("crm: entry link %d: %w", linkID, err)
	}
	s.channels.Store(linkID, c)
	return c, nil
}

// viewer returns the profile of a viewer account, creating it (or linking the viewer to
// the profile of its verified phone) the first time; nil when the viewer does not exist.
func (ap *applier) viewer(ctx context.Context, tenantID, viewerID int64) (*custRow, error) {
	key := viewerKey{tenantID, viewerID}
	if id, ok := ap.viewers[key]; ok {
		return ap.live(ctx, tenantID, id)
	}
	value := strconv.FormatInt(viewerID, 10)
	owner, err := identityOwner(ctx, ap.tx, tenantID, KindViewer, value)
	if err != nil {
		return nil, err
	}
	if owner != 0 {
		r, err := ap.live(ctx, tenantID, owner)
		if err != nil {
			return nil, err
		}
		ap.viewers[key] = r.ID
		return r, nil
	}
	var v struct {
		Nickname string `db:"nickname"`
		Phone    string `db:"phone"`
		LinkID   int64  `db:"entry_link_id"`
		Created  int64  `db:"created_at"`
	}
	err = ap.tx.GetContext(ctx, &v, `SELECT nickname, phone, entry_link_id, created_at FROM viewers WHERE tenant_id = ? AND id = ?`,
		tenantID, viewerID)
	if db.IsNoRows(err) {
		return nil, nil
	} else if err != nil {
		return nil, fmt.Errorf("crm: viewer %d: %w", viewerID, err)
	}
	source, err := ap.s.channel(ctx, ap.tx, v.LinkID)
	if err != nil {
		return nil, err
	}
	var r *custRow
	if v.Phone != "" {
		if owner, err = identityOwner(ctx, ap.tx, tenantID, KindPhone, v.Phone); err != nil {
			return nil, err
		} else if owner != 0 {
			if r, err = ap.live(ctx, tenantID, owner); err != nil {
				return nil, err
			}
			ap.mark(r)
		}
	}
	if r == nil {
		r = &custRow{TenantID: tenantID, Name: v.Nickname, Phone: nullString(v.Phone), Origin: OriginViewer}
		if err := ap.create(ctx, r); err != nil {
			return nil, err
		}
		if v.Phone != "" {
			if err := addIdentity(ctx, ap.tx, tenantID, r.ID, KindPhone, v.Phone, 0, ap.now); err != nil {
				return nil, err
			}
		}
		ap.dirty[r.ID] = true
	}
	r.touch(v.Created, source, v.LinkID)
	if err := addIdentity(ctx, ap.tx, tenantID, r.ID, KindViewer, value, viewerID, ap.now); err != nil {
		return nil, err
	}
	ap.viewers[key] = r.ID
	return r, nil
}

// attach links an identity to r: a new identity is added, one of another profile
// merges that profile and r (the one that had the identity first survives, as a
// second customer with a known phone merges into the first). It returns the surviving
// profile.
func (ap *applier) attach(ctx context.Context, r *custRow, id Identity) (*custRow, error) {
	owner, err := identityOwner(ctx, ap.tx, r.TenantID, id.Kind, id.Value)
	if err != nil {
		return nil, err
	}
	if owner == 0 {
		if err := addIdentity(ctx, ap.tx, r.TenantID, r.ID, id.Kind, id.Value, 0, ap.now); err != nil {
			return nil, err
		}
		if id.Kind == KindPhone && !r.Phone.Valid {
			r.Phone = nullString(id.Value)
			ap.mark(r)
		}
		return r, nil
	}
	o, err := ap.live(ctx, r.TenantID, owner)
	if err != nil {
		return nil, err
	}
	if o.ID != r.ID {
		if err := ap.merge(ctx, o, r); err != nil {
			return nil, err
		}
	}
	// The owner may have been found by its phone column only.
	if err := addIdentity(ctx, ap.tx, o.TenantID, o.ID, id.Kind, id.Value, 0, ap.now); err != nil {
		return nil, err
	}
	return o, nil
}

// identify finds the profiles any of ids belongs to. With none, it creates seed; with
// several, the oldest survives and the others merge into it. It reports whether an
// existing profile was found.
func (ap *applier) identify(ctx context.Context, tenantID int64, ids []Identity, seed *custRow) (*custRow, bool, error) {
	var found []*custRow
	for _, id := range ids {
		owner, err := identityOwner(ctx, ap.tx, tenantID, id.Kind, id.Value)
		if err != nil {
			return nil, false, err
		}
		if owner == 0 {
			continue
		}
		r, err := ap.live(ctx, tenantID, owner)
		if err != nil {
			return nil, false, err
		}
		if !containsRow(found, r) {
			found = append(found, r)
		}
	}
	var r *custRow
	if len(found) == 0 {
		seed.TenantID = tenantID
		if err := ap.create(ctx, seed); err != nil {
			return nil, false, err
		}
		r = seed
	} else {
		r = found[0]
		for _, f := range found[1:] {
			if f.ID < r.ID {
				r = f
			}
		}
		for _, f := range found {
			if f.ID != r.ID && !f.gone() {
				if err := ap.merge(ctx, r, f); err != nil {
					return nil, false, err
				}
			}
		}
	}
	for _, id := range ids {
		var err error
		if r, err = ap.attach(ctx, r, id); err != nil {
			return nil, false, err
		}
	}
	return r, len(found) > 0, nil
}

func containsRow(rows []*custRow, r *custRow) bool {
	for _, x := range rows {
		if x.ID == r.ID {
			return true
		}
	}
	return false
}
