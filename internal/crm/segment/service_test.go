package segment_test

import (
	"strings"
	"testing"

	"github.com/siyu-live/siyu"
	"github.com/siyu-live/siyu/internal/audit"
	"github.com/siyu-live/siyu/internal/crm"
	"github.com/siyu-live/siyu/internal/crm/segment"
	"github.com/siyu-live/siyu/internal/db"
	"github.com/siyu-live/siyu/internal/db/dbtest"
)

// TestSegmentLifecycle: an operator saves a segment and sees its count; the count
// follows the customers without touching the segment; renaming, changing the rule and
// deleting work; names are unique per brand; a rule naming a tag that does not exist
// is saved but the tag is reported; a malformed rule is refused naming the position.
func TestSegmentLifecycle(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, store *db.DB) {
		e := newEnv(t, store)
		e.customer("甲", "13800000001", "vip")
		e.customer("乙", "13800000002", "vip", "churned")
		c := e.customer("丙", "13800000003", "vip")
		sg, err := e.Segments.Create(e.Ctx, e.Owner, segment.Input{Name: "活跃高价值", Rule: "tag:vip AND NOT (tag:churned OR tag:blocked)"})
		if err != nil {
			t.Fatal(err)
		}
		if sg.Count != 2 || sg.ID == 0 || sg.Name != "活跃高价值" {
			t.Fatalf("created %+v, want count 2", sg)
		}
		if len(sg.UnknownTags) != 1 || sg.UnknownTags[0] != "blocked" {
			t.Errorf("unknown tags %q, want [blocked]", sg.UnknownTags)
		}
		if _, err := e.CRM.AddTags(e.Ctx, e.Owner, c.ID, crm.TagsInput{Tags: []string{"blocked"}}); err != nil {
			t.Fatal(err)
		}
		got, err := e.Segments.Get(e.Ctx, e.host, sg.ID)
		if err != nil || got.Count != 1 || len(got.UnknownTags) != 0 {
			t.Errorf("after blocking 丙: %+v %v, want count 1 and no unknown tags", got, err)
		}
		_, err = e.Segments.Create(e.Ctx, e.Owner, segment.Input{Name: "活跃高价值", Rule: "tag:vip"})
		if siyu.ErrorCode(err) != siyu.ECONFLICT {
			t.Errorf("a second segment with the same name: %v, want conflict", err)
		}
		_, err = e.Segments.Create(e.Ctx, e.Owner, segment.Input{Name: "坏规则", Rule: "tag:vip AND (tag:churned"})
		if siyu.ErrorField(err) != "rule" || !strings.Contains(siyu.ErrorMessage(err), "at position 25") {
			t.Errorf("malformed rule: %v (%s), want invalid rule at position 25", err, siyu.ErrorMessage(err))
		}
		rule := "tag:churned OR tag:blocked"
		up, err := e.Segments.Update(e.Ctx, e.Owner, sg.ID, segment.Patch{Rule: &rule})
		if err != nil || up.Count != 2 || up.Rule != rule || up.Name != "活跃高价值" {
			t.Errorf("changed rule: %+v %v, want count 2", up, err)
		}
		list, err := e.Segments.List(e.Ctx, e.host)
		if err != nil || len(list) != 1 || list[0].Count != 2 {
			t.Errorf("list: %+v %v", list, err)
		}
		if err := e.Segments.Delete(e.Ctx, e.Owner, sg.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := e.Segments.Get(e.Ctx, e.Owner, sg.ID); siyu.ErrorCode(err) != siyu.ENOTFOUND {
			t.Errorf("deleted segment: %v, want not found", err)
		}
		entries, err := audit.List(e.Ctx, store, e.Owner.TenantID, 0, 50)
		if err != nil {
			t.Fatal(err)
		}
		var actions []string
		for _, en := range entries {
			actions = append(actions, en.Action)
		}
		for _, want := range []string{segment.AuditCreate, segment.AuditUpdate, segment.AuditDelete} {
			if !strings.Contains(strings.Join(actions, " "), want) {
				t.Errorf("audit log lacks %s: %v", want, actions)
			}
		}
	})
}

// TestSegmentPermissions: hosts (customers.view) read segments but cannot change them.
func TestSegmentPermissions(t *testing.T) {
	t.Parallel()
	e := newEnv(t, dbtest.SQLite(t))
	_, err := e.Segments.Create(e.Ctx, e.host, segment.Input{Name: "x", Rule: "tag:vip"})
	if siyu.ErrorCode(err) != siyu.EFORBIDDEN {
		t.Errorf("host creates a segment: %v, want forbidden", err)
	}
	sg, err := e.Segments.Create(e.Ctx, e.Owner, segment.Input{Name: "x", Rule: "tag:vip"})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.Segments.Delete(e.Ctx, e.host, sg.ID); siyu.ErrorCode(err) != siyu.EFORBIDDEN {
		t.Errorf("host deletes a segment: %v, want forbidden", err)
	}
	if _, err := e.Segments.Get(e.Ctx, e.host, sg.ID); err != nil {
		t.Errorf("host reads a segment: %v", err)
	}
}

// TestPreviewAndCustomers: a preview shows the count and the newest customers, with
// phones masked for staff without contacts.view and whole for the owner; a segment's
// customers page by cursor; both are written to the audit log as bulk views.
func TestPreviewAndCustomers(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, store *db.DB) {
		e := newEnv(t, store)
		var ids []int64
		for i := range 5 {
			ids = append(ids, e.customer("客"+string(rune('A'+i)), "1380000000"+string(rune('1'+i)), "vip").ID)
		}
		e.customer("无标签", "13900000009")
		p, err := e.Segments.Preview(e.Ctx, e.host, segment.PreviewInput{Rule: "tag:vip"})
		if err != nil {
			t.Fatal(err)
		}
		if p.Count != 5 || len(p.Sample) != 5 || p.Sample[0].ID != ids[4] {
			t.Fatalf("preview: count %d, %d in sample, first %d; want 5, 5, newest %d", p.Count, len(p.Sample), p.Sample[0].ID, ids[4])
		}
		if s := p.Sample[0]; s.Phone != "138****0005" || !s.Masked || len(s.Tags) != 1 || s.Tags[0].Name != "vip" {
			t.Errorf("host's preview shows %+v, want a masked phone and the vip tag", s)
		}
		p, err = e.Segments.Preview(e.Ctx, e.Owner, segment.PreviewInput{Rule: "tag:vip"})
		if err != nil || p.Sample[0].Phone != "13800000005" || p.Sample[0].Masked {
			t.Errorf("owner's preview shows %+v (%v), want the whole phone", p.Sample[0], err)
		}
		if _, err := e.Segments.Preview(e.Ctx, e.host, segment.PreviewInput{Rule: "tag:vip AND"}); siyu.ErrorField(err) != "rule" {
			t.Errorf("malformed preview: %v", err)
		}
		sg, err := e.Segments.Create(e.Ctx, e.Owner, segment.Input{Name: "vip", Rule: "tag:vip"})
		if err != nil {
			t.Fatal(err)
		}
		var seen []int64
		cursor := ""
		for range 5 {
			page, next, err := e.Segments.Customers(e.Ctx, e.host, sg.ID, cursor, 2)
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range page {
				seen = append(seen, c.ID)
				if !strings.Contains(c.Phone, "****") {
					t.Errorf("host sees phone %q", c.Phone)
				}
			}
			if next == "" {
				break
			}
			cursor = next
		}
		if len(seen) != 5 || seen[0] != ids[4] || seen[4] != ids[0] {
			t.Errorf("paged through %v, want %v newest first", seen, ids)
		}
		entries, _ := audit.List(e.Ctx, store, e.Owner.TenantID, 0, 100)
		views := 0
		for _, en := range entries {
			if en.Action == crm.AuditList && (strings.HasPrefix(en.Target, "segment")) {
				views++
			}
		}
		if views != 5 { // two previews and three pages
			t.Errorf("%d bulk views audited, want 5", views)
		}
	})
}
