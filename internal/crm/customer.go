package crm

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/siyu-live/siyu"
	"github.com/siyu-live/siyu/internal/audit"
	"github.com/siyu-live/siyu/internal/org"
)

// Customer is a profile as staff see it. Contact details (phone, WeChat and platform
// ids) are masked for staff without contacts.view.
type Customer struct {
	ID           int64      `json:"id"`
	Name         string     `json:"name"`
	Phone        string     `json:"phone,omitempty"`
	Remark       string     `json:"remark"`
	FirstSource  string     `json:"first_source"`
	LastSource   string     `json:"last_source"`
	FirstTouchAt time.Time  `json:"first_touch_at,omitzero"`
	LastTouchAt  time.Time  `json:"last_touch_at,omitzero"`
	OrdersCount  int64      `json:"orders_count"`
	SpentFen     int64      `json:"spent_fen"`
	WatchMS      int64      `json:"watch_ms"`
	Sessions     int64      `json:"sessions"` // live sessions attended
	Reservations int64      `json:"reservations"`
	NoShows      int64      `json:"no_shows"`
	Comments     int64      `json:"comments"`
	GiftsFen     int64      `json:"gifts_fen"`
	LastSeenAt   time.Time  `json:"last_seen_at,omitzero"`
	Origin       string     `json:"origin"`
	Erased       bool       `json:"erased"`
	ErasedAt     time.Time  `json:"erased_at,omitzero"`
	CreatedAt    time.Time  `json:"created_at"`
	UpdatedAt    time.Time  `json:"updated_at"`
	Tags         []TagRef   `json:"tags"`
	Identities   []Identity `json:"identities,omitempty"`
	Masked       bool       `json:"contacts_masked"` // contact details are masked for the caller
	// Merged says a create or identify found an existing profile (same id).
	Merged bool `json:"merged,omitempty"`
}

// TagRef is a tag as listed on a customer.
type TagRef struct {
	ID   int64  `json:"id" db:"id"`
	Name string `json:"name" db:"name"`
	Kind string `json:"kind" db:"kind"`
}

// CustomerInput is the body of POST /api/v1/customers: a person known by any of the
// identities given. Those already known find their profile (several merge into the
// oldest); otherwise a profile is created.
type CustomerInput struct {
	Name          string     `json:"name"`
	Phone         string     `json:"phone,omitempty"`
	WechatOpenID  string     `json:"wechat_openid,omitempty"`
	WechatUnionID string     `json:"wechat_unionid,omitempty"`
	Identities    []Identity `json:"identities,omitempty"` // more: platform:<name> ids
	Remark        string     `json:"remark,omitempty"`
	Source        string     `json:"source,omitempty"` // first-touch channel of a new profile [api]
	Tags          []string   `json:"tags,omitempty"`   // manual tags to put on
}

// CustomerPatch is the body of PATCH /api/v1/customers/{id}.
type CustomerPatch struct {
	Name   *string `json:"name,omitempty"`
	Remark *string `json:"remark,omitempty"`
}

// Limits of free text.
const (
	MaxName   = 50
	MaxRemark = 1000
)

func checkText(field, v string, lo, hi int) (string, error) {
	v = strings.TrimSpace(v)
	if n := utf8.RuneCountInString(v); n < lo || n > hi {
		return "", siyu.Invalid(field, "%s must be %d–%d characters", field, lo, hi)
	}
	return v, nil
}

func (in CustomerInput) identities() ([]Identity, error) {
	var ids []Identity
	if strings.TrimSpace(in.Phone) != "" {
		p, err := NormalizePhone(in.Phone)
		if err != nil {
			return nil, err
		}
		ids = append(ids, Identity{Kind: KindPhone, Value: p})
	}
	for kind, v := range map[string]string{KindWechatOpenID: in.WechatOpenID, KindWechatUnionID: in.WechatUnionID} {
		if strings.TrimSpace(v) != "" {
			id, err := normalizeIdentity(Identity{Kind: kind, Value: v})
			if err != nil {
				return nil, siyu.Invalid(kind, "%s", siyu.ErrorMessage(err))
			}
			ids = append(ids, id)
		}
	}
	if len(in.Identities) > 10 {
		return nil, siyu.Invalid("identities", "at most 10 identities")
	}
	for _, raw := range in.Identities {
		id, err := normalizeIdentity(raw)
		if err != nil {
			return nil, err
		}
		if !containsIdentity(ids, id) {
			ids = append(ids, id)
		}
	}
	return ids, nil
}

func containsIdentity(ids []Identity, id Identity) bool {
	for _, x := range ids {
		if x == id {
			return true
		}
	}
	return false
}

var sourceRe = func(s string) bool {
	if s == "" || len(s) > 32 {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_') {
			return false
		}
	}
	return true
}

// Create creates a customer, or finds the one an identity (phone, WeChat, platform id)
// already belongs to: a second customer with the same phone is the first (same id,
// merged true). The answer is 201 either way (CONTRACT). A staff-given name replaces a
// viewer's nickname; a remark is added to the profile's remark; tags are put on.
func (s *Service) Create(ctx context.Context, p org.Principal, in CustomerInput) (Customer, error) {
	if err := need(p, org.PermCustomersManage); err != nil {
		return Customer{}, err
	}
	name, err := checkText("name", in.Name, 1, MaxName)
	if err != nil {
		return Customer{}, err
	}
	remark, err := checkText("remark", in.Remark, 0, MaxRemark)
	if err != nil {
		return Customer{}, err
	}
	ids, err := in.identities()
	if err != nil {
		return Customer{}, err
	}
	source := strings.TrimSpace(in.Source)
	if source == "" {
		source = OriginAPI
	} else if !sourceRe(source) {
		return Customer{}, siyu.Invalid("source", "source is 1–32 lowercase letters, digits or underscores")
	}
	var tags []string
	for _, t := range in.Tags {
		n, err := CheckTagName("tags", t)
		if err != nil {
			return Customer{}, err
		}
		tags = append(tags, n)
	}
	var id int64
	var merged bool
	err = s.write(ctx, func(ap *applier) error {
		seed := &custRow{Name: name, Remark: remark, Origin: OriginAPI}
		seed.touch(ap.now, source, 0)
		r, found, err := ap.identify(ctx, p.TenantID, ids, seed)
		if err != nil {
			return err
		}
		if r.ErasedAt.Valid {
			return siyu.Errorf(siyu.ECONFLICT, "customer %d was erased", r.ID)
		}
		if found {
			if r.Name == "" || r.Origin == OriginViewer {
				r.Name = name
				r.Origin = OriginAPI
			}
			r.Remark = joinRemarks(r.Remark, remark)
			ap.mark(r)
		}
		id, merged = r.ID, found
		return ap.addManual(ctx, r, tags)
	})
	if err != nil {
		return Customer{}, err
	}
	c, err := s.customer(ctx, p, id)
	c.Merged = merged
	return c, err
}

// Update changes a customer's name or remark (备注).
func (s *Service) Update(ctx context.Context, p org.Principal, id int64, in CustomerPatch) (Customer, error) {
	if err := need(p, org.PermCustomersManage); err != nil {
		return Customer{}, err
	}
	var name, remark string
	var err error
	if in.Name != nil {
		if name, err = checkText("name", *in.Name, 1, MaxName); err != nil {
			return Customer{}, err
		}
	}
	if in.Remark != nil {
		if remark, err = checkText("remark", *in.Remark, 0, MaxRemark); err != nil {
			return Customer{}, err
		}
	}
	var cid int64
	err = s.write(ctx, func(ap *applier) error {
		r, err := ap.live(ctx, p.TenantID, id)
		if err != nil {
			return err
		}
		if r.ErasedAt.Valid {
			return siyu.Errorf(siyu.ECONFLICT, "customer %d was erased", id)
		}
		var what []string
		if in.Name != nil {
			r.Name = name
			what = append(what, "name")
		}
		if in.Remark != nil {
			r.Remark = remark
			what = append(what, "remark")
		}
		r.UpdatedAt = ap.now
		ap.dirty[r.ID] = true
		cid = r.ID
		return audit.Record(ctx, ap.tx, s.now(), audit.Entry{TenantID: p.TenantID, UserID: p.UserID, Actor: p.Email,
			Action: AuditUpdate, Target: fmt.Sprintf("customer:%d", r.ID), Detail: strings.Join(what, ",")})
	})
	if err != nil {
		return Customer{}, err
	}
	return s.customer(ctx, p, cid)
}

// MergeInput is the body of POST /api/v1/customers/{id}/merge.
type MergeInput struct {
	CustomerID int64 `json:"customer_id"` // the profile merged into {id}
}

// Merge folds another profile into id (the survivor): identities, tags, aggregates,
// orders, remarks and timeline. The merged-away id answers with the survivor from then on.
func (s *Service) Merge(ctx context.Context, p org.Principal, id int64, in MergeInput) (Customer, error) {
	if err := need(p, org.PermCustomersManage); err != nil {
		return Customer{}, err
	}
	if in.CustomerID <= 0 {
		return Customer{}, siyu.Invalid("customer_id", "customer_id names the profile to merge in")
	}
	var cid int64
	err := s.write(ctx, func(ap *applier) error {
		w, err := ap.live(ctx, p.TenantID, id)
		if err != nil {
			return err
		}
		l, err := ap.live(ctx, p.TenantID, in.CustomerID)
		if siyu.ErrorCode(err) == siyu.ENOTFOUND {
			return siyu.Invalid("customer_id", "customer %d not found", in.CustomerID)
		} else if err != nil {
			return err
		}
		cid = w.ID
		if w.ID == l.ID {
			return nil // already one profile
		}
		if w.ErasedAt.Valid || l.ErasedAt.Valid {
			return siyu.Errorf(siyu.ECONFLICT, "an erased customer cannot be merged")
		}
		if err := ap.merge(ctx, w, l); err != nil {
			return err
		}
		return audit.Record(ctx, ap.tx, s.now(), audit.Entry{TenantID: p.TenantID, UserID: p.UserID, Actor: p.Email,
			Action: AuditMerge, Target: fmt.Sprintf("customer:%d", w.ID), Detail: fmt.Sprintf("merged customer:%d", l.ID)})
	})
	if err != nil {
		return Customer{}, err
	}
	return s.customer(ctx, p, cid)
}
