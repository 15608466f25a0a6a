package transfer

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/siyu-live/siyu"
	"github.com/siyu-live/siyu/internal/audit"
	"github.com/siyu-live/siyu/internal/crm"
	"github.com/siyu-live/siyu/internal/org"
)

// MaxExportRows bounds one export file, the same as one import.
const MaxExportRows = MaxRows

// ExportQuery chooses the customers of an export: the filters of the customer list
// (tag, q) or a segment, never both.
type ExportQuery struct {
	Format    string // csv (default) or xlsx
	Tag       string // only customers carrying this tag
	Q         string // name contains, phone, or customer id (as the list searches)
	SegmentID int64  // a saved segment's customers
}

// Export is a file ready to be written: the customers are chosen and the export is
// in the audit log already.
type Export struct {
	Filename    string
	ContentType string
	Count       int
	write       func(w io.Writer) error
}

// Write writes the file.
func (e *Export) Write(w io.Writer) error { return e.write(w) }

// exportHeader is the first row of an export; the contact columns carry the names an
// import reads, so a file exported with contacts.view imports back.
var exportHeader = []string{"客户ID", "姓名", "手机", "微信openid", "unionid", "标签", "备注", "来源", "最近来源",
	"订单数", "消费金额(元)", "最近活跃(UTC+8)", "创建时间(UTC+8)"}

// exportZone is the time zone of the export's times: the merchants' own (China has one).
var exportZone = time.FixedZone("UTC+8", 8*3600)

// Export chooses the customers, records the export in the audit log and returns the
// file to write. Phones and WeChat ids are masked for staff without contacts.view;
// erased and merged-away profiles are left out.
func (s *Service) Export(ctx context.Context, p org.Principal, q ExportQuery) (*Export, error) {
	if err := need(p, org.PermCustomersView); err != nil {
		return nil, err
	}
	format := strings.ToLower(strings.TrimSpace(q.Format))
	if format == "" {
		format = FormatCSV
	}
	if format != FormatCSV && format != FormatXLSX {
		return nil, siyu.Invalid("format", "format must be csv or xlsx")
	}
	q.Tag, q.Q = strings.TrimSpace(q.Tag), strings.TrimSpace(q.Q)
	var ids []int64
	var err error
	target := "customers"
	if q.SegmentID != 0 {
		if q.Tag != "" || q.Q != "" {
			return nil, siyu.Invalid("segment_id", "export a segment or filter by tag and q, not both")
		}
		ids, err = s.segmentIDs(ctx, p, q.SegmentID)
		target = fmt.Sprintf("segment:%d", q.SegmentID)
	} else {
		ids, err = s.listIDs(ctx, p, q)
	}
	if err != nil {
		return nil, err
	}
	if len(ids) > MaxExportRows {
		return nil, siyu.Invalid("q", "more than %d customers match; narrow the export with a tag, a search or a segment", MaxExportRows)
	}
	contacts := p.Can(org.PermContactsView)
	detail := fmt.Sprintf("format=%s tag=%q q=%q count=%d contacts=%t", format, q.Tag, q.Q, len(ids), contacts)
	if err := audit.Record(ctx, s.store, s.now(), audit.Entry{TenantID: p.TenantID, UserID: p.UserID, Actor: p.Email,
		Action: AuditExport, Target: target, Detail: detail}); err != nil {
		return nil, err
	}
	name := "customers"
	if q.SegmentID != 0 {
		name = fmt.Sprintf("segment-%d", q.SegmentID)
	}
	e := &Export{Count: len(ids), Filename: fmt.Sprintf("%s-%s.%s", name, s.now().In(exportZone).Format("20060102-1504"), format)}
	rows := func(fn func(cells []any) error) error { return s.exportRows(ctx, p.TenantID, ids, contacts, fn) }
	if format == FormatCSV {
		e.ContentType = "text/csv; charset=utf-8"
		e.write = func(w io.Writer) error { return writeCSV(w, exportHeader, rows) }
	} else {
		e.ContentType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
		e.write = func(w io.Writer) error {
			return writeXLSX(w, exportHeader, []float64{10, 14, 15, 24, 24, 24, 30, 12, 12, 8, 13, 19, 19}, rows)
		}
	}
	return e, nil
}

// segmentIDs reads a segment's members (404 for another tenant's segment).
func (s *Service) segmentIDs(ctx context.Context, p org.Principal, id int64) ([]int64, error) {
	if s.opt.Segments == nil {
		return nil, siyu.Invalid("segment_id", "segments are not available")
	}
	seg, err := s.opt.Segments.Get(ctx, p, id)
	if err != nil {
		return nil, err
	}
	return s.opt.Segments.Members(ctx, p.TenantID, seg.Rule, 0, MaxExportRows+1)
}

// listIDs finds the customers the list would show for tag and q, newest first.
func (s *Service) listIDs(ctx context.Context, p org.Principal, q ExportQuery) ([]int64, error) {
	where := []string{"c.tenant_id = ?", "c.merged_into IS NULL", "c.erased_at IS NULL"}
	args := []any{p.TenantID}
	if q.Tag != "" {
		var tagIDs []int64
		if err := s.store.SelectContext(ctx, &tagIDs, `SELECT id FROM tags WHERE tenant_id = ? AND name = ?`, p.TenantID, q.Tag); err != nil {
			return nil, fmt.Errorf("transfer: export tag: %w", err)
		}
		if len(tagIDs) == 0 {
			return nil, nil // no such tag: nobody carries it
		}
		// Driven by the tag's rows, so a rare tag does not scan every customer.
		where = append(where, `c.id IN (SELECT customer_id FROM customer_tags WHERE tenant_id = ? AND tag_id = ?)`)
		args = append(args, p.TenantID, tagIDs[0])
	}
	if q.Q != "" {
		if len([]rune(q.Q)) > 50 {
			return nil, siyu.Invalid("q", "q is at most 50 characters")
		}
		conds := []string{`c.name LIKE ? ESCAPE '\'`}
		args = append(args, "%"+strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(q.Q)+"%")
		digits := strings.Trim(q.Q, "0123456789") == ""
		if p.Can(org.PermContactsView) && digits {
			conds = append(conds, `c.phone LIKE ?`)
			args = append(args, "%"+q.Q+"%")
		} else if phone, err := crm.NormalizePhone(q.Q); err == nil {
			conds = append(conds, `c.phone = ?`)
			args = append(args, phone)
		}
		if n, err := strconv.ParseInt(q.Q, 10, 64); err == nil && digits {
			conds = append(conds, `c.id = ?`)
			args = append(args, n)
		}
		where = append(where, "("+strings.Join(conds, " OR ")+")")
	}
	var ids []int64
	err := s.store.SelectContext(ctx, &ids, `SELECT c.id FROM customers c WHERE `+strings.Join(where, " AND ")+
		` ORDER BY c.id DESC LIMIT ?`, append(args, MaxExportRows+1)...)
	if err != nil {
		return nil, fmt.Errorf("transfer: export: %w", err)
	}
	return ids, nil
}

type exportRec struct {
	ID         int64          `db:"id"`
	Name       string         `db:"name"`
	Phone      sql.NullString `db:"phone"`
	Remark     string         `db:"remark"`
	First      string         `db:"first_source"`
	Last       string         `db:"last_source"`
	Orders     int64          `db:"orders_count"`
	Spent      int64          `db:"spent_fen"`
	LastSeenAt sql.NullInt64  `db:"last_seen_at"`
	CreatedAt  int64          `db:"created_at"`
}

// exportRows reads the customers of ids a chunk at a time and hands fn one row of
// cells per customer, in the order of ids.
func (s *Service) exportRows(ctx context.Context, tenantID int64, ids []int64, contacts bool, fn func(cells []any) error) error {
	const chunk = 500
	for start := 0; start < len(ids); start += chunk {
		part := ids[start:min(start+chunk, len(ids))]
		args := []any{tenantID}
		for _, id := range part {
			args = append(args, id)
		}
		in := strings.TrimSuffix(strings.Repeat("?, ", len(part)), ", ")
		var recs []exportRec
		if err := s.store.SelectContext(ctx, &recs, `SELECT id, name, phone, remark, first_source, last_source, orders_count,
			spent_fen, last_seen_at, created_at FROM customers WHERE tenant_id = ? AND id IN (`+in+`)
			AND merged_into IS NULL AND erased_at IS NULL`, args...); err != nil {
			return fmt.Errorf("transfer: export: %w", err)
		}
		var tags []struct {
			CustomerID int64  `db:"customer_id"`
			Name       string `db:"name"`
		}
		if err := s.store.SelectContext(ctx, &tags, `SELECT ct.customer_id, t.name FROM customer_tags ct JOIN tags t ON t.id = ct.tag_id
			WHERE ct.tenant_id = ? AND ct.customer_id IN (`+in+`) ORDER BY ct.customer_id, t.name`, args...); err != nil {
			return fmt.Errorf("transfer: export tags: %w", err)
		}
		var idents []struct {
			CustomerID int64  `db:"customer_id"`
			Kind       string `db:"kind"`
			Value      string `db:"value"`
		}
		if err := s.store.SelectContext(ctx, &idents, `SELECT customer_id, kind, value FROM customer_identities
			WHERE tenant_id = ? AND customer_id IN (`+in+`) AND kind IN ('`+crm.KindWechatOpenID+`', '`+crm.KindWechatUnionID+`')
			ORDER BY created_at, value`, args...); err != nil {
			return fmt.Errorf("transfer: export identities: %w", err)
		}
		tagsOf := map[int64][]string{}
		for _, t := range tags {
			tagsOf[t.CustomerID] = append(tagsOf[t.CustomerID], t.Name)
		}
		wechat := map[int64]map[string]string{} // first openid and unionid of each customer
		for _, id := range idents {
			m := wechat[id.CustomerID]
			if m == nil {
				m = map[string]string{}
				wechat[id.CustomerID] = m
			}
			if _, ok := m[id.Kind]; !ok {
				m[id.Kind] = id.Value
				if !contacts {
					m[id.Kind] = crm.MaskIdentity(id.Kind, id.Value)
				}
			}
		}
		byID := make(map[int64]*exportRec, len(recs))
		for i := range recs {
			byID[recs[i].ID] = &recs[i]
		}
		for _, id := range part {
			r, ok := byID[id]
			if !ok {
				continue // merged or erased since it was chosen
			}
			phone := r.Phone.String
			if !contacts {
				phone = crm.MaskPhone(phone)
			}
			seen := ""
			if r.LastSeenAt.Valid && r.LastSeenAt.Int64 > 0 {
				seen = exportTime(r.LastSeenAt.Int64)
			}
			cells := []any{r.ID, safeCell(r.Name), phone, wechat[id][crm.KindWechatOpenID], wechat[id][crm.KindWechatUnionID],
				safeCell(strings.Join(tagsOf[id], ",")), safeCell(r.Remark), r.First, r.Last, r.Orders,
				float64(r.Spent) / 100, seen, exportTime(r.CreatedAt)}
			if err := fn(cells); err != nil {
				return err
			}
		}
	}
	return nil
}

func exportTime(ms int64) string {
	return time.UnixMilli(ms).In(exportZone).Format("2006-01-02 15:04:05")
}

// safeCell keeps a spreadsheet from running a cell as a formula (CSV injection): text
// starting with = + - @ or a control character gets a leading apostrophe.
func safeCell(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r':
		return "'" + s
	}
	return s
}
