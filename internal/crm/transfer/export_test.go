package transfer_test

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"

	"github.com/siyu-live/siyu"
	"github.com/siyu-live/siyu/internal/crm"
	"github.com/siyu-live/siyu/internal/crm/segment"
	"github.com/siyu-live/siyu/internal/crm/transfer"
	"github.com/siyu-live/siyu/internal/db"
	"github.com/siyu-live/siyu/internal/db/dbtest"
	"github.com/siyu-live/siyu/internal/org"
)

// export runs an export and decodes the file with the import's own decoders.
func (e *env) export(p org.Principal, q transfer.ExportQuery) (*transfer.Table, *transfer.Export) {
	e.T.Helper()
	x, err := e.svc.Export(e.Ctx, p, q)
	if err != nil {
		e.T.Fatal(err)
	}
	var buf bytes.Buffer
	if err := x.Write(&buf); err != nil {
		e.T.Fatal(err)
	}
	format := "csv"
	if q.Format == "xlsx" {
		format = "xlsx"
	} else if !bytes.HasPrefix(buf.Bytes(), []byte{0xEF, 0xBB, 0xBF}) {
		e.T.Error("a CSV export must start with a UTF-8 byte order mark for Excel")
	}
	tb, err := transfer.Decode(format, buf.Bytes())
	if err != nil {
		e.T.Fatalf("export does not decode: %v\n%s", err, buf.String())
	}
	return tb, x
}

// column returns one column of a table by header.
func column(tb *transfer.Table, header string) []string {
	i := -1
	for j, h := range tb.Header {
		if h == header {
			i = j
		}
	}
	out := []string{}
	for _, r := range tb.Rows {
		out = append(out, r.Cells[i])
	}
	return out
}

// TestExportListsAndSegments: an export holds the customers the list filters or the
// segment choose, newest first, masks contacts for staff without contacts.view, keeps
// formulas from running, leaves out erased customers, and is audited with its count.
func TestExportListsAndSegments(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, store *db.DB) {
		e := newEnv(t, store, transfer.Options{})
		a := e.Customer(e.Owner, crm.CustomerInput{Name: "=HYPERLINK(\"x\")", Phone: "13800138000", Tags: []string{"vip", "新客"}})
		b := e.Customer(e.Owner, crm.CustomerInput{Name: "小李", WechatOpenID: "oid_1234567890", Tags: []string{"vip"}, Remark: "爱买面膜"})
		e.Customer(e.Owner, crm.CustomerInput{Name: "小王", Phone: "13900139000"})
		gone := e.Customer(e.Owner, crm.CustomerInput{Name: "注销者", Phone: "13700137000", Tags: []string{"vip"}})
		if _, err := e.CRM.Erase(e.Ctx, e.Owner, gone.ID); err != nil {
			t.Fatal(err)
		}

		tb, x := e.export(e.Owner, transfer.ExportQuery{})
		if x.Count != 3 || !strings.HasPrefix(x.Filename, "customers-20300306-") || x.ContentType != "text/csv; charset=utf-8" {
			t.Errorf("export %+v", x)
		}
		same(t, "names", []string{"小王", "小李", "'=HYPERLINK(\"x\")"}, column(tb, "姓名"))
		same(t, "phones", []string{"13900139000", "", "13800138000"}, column(tb, "手机"))
		same(t, "openids", []string{"", "oid_1234567890", ""}, column(tb, "微信openid"))
		same(t, "tags", []string{"", "vip", "vip,新客"}, column(tb, "标签"))

		tb, _ = e.export(e.host, transfer.ExportQuery{Tag: "vip", Format: "xlsx"})
		same(t, "masked phones", []string{"", "138****8000"}, column(tb, "手机"))
		same(t, "masked openids", []string{"oid****890", ""}, column(tb, "微信openid"))
		same(t, "ids", []string{itoa(b.ID), itoa(a.ID)}, column(tb, "客户ID"))

		tb, _ = e.export(e.Owner, transfer.ExportQuery{Q: "小"})
		same(t, "search", []string{"小王", "小李"}, column(tb, "姓名"))

		seg, err := e.Segments.Create(e.Ctx, e.Owner, segment.Input{Name: "VIP 新客", Rule: "tag:vip AND tag:新客"})
		if err != nil {
			t.Fatal(err)
		}
		tb, x = e.export(e.Owner, transfer.ExportQuery{SegmentID: seg.ID})
		same(t, "segment", []string{itoa(a.ID)}, column(tb, "客户ID"))
		if !strings.HasPrefix(x.Filename, "segment-"+itoa(seg.ID)+"-") {
			t.Errorf("filename %q", x.Filename)
		}

		audits := e.audit(e.Owner.TenantID, transfer.AuditExport)
		if len(audits) != 4 || !strings.Contains(audits[0], "segment:"+itoa(seg.ID)) || !strings.Contains(audits[0], "count=1") ||
			!strings.Contains(audits[1], `q="小"`) || !strings.Contains(audits[2], "contacts=false") {
			t.Errorf("audit entries:\n%s", strings.Join(audits, "\n"))
		}

		other := e.Signup("Other")
		if _, err := e.svc.Export(e.Ctx, other, transfer.ExportQuery{SegmentID: seg.ID}); siyu.ErrorCode(err) != siyu.ENOTFOUND {
			t.Errorf("another brand exports the segment: %v", err)
		}
		if tb, _ := e.export(other, transfer.ExportQuery{}); len(tb.Rows) != 0 {
			t.Errorf("another brand's export holds %d customers", len(tb.Rows))
		}
		for _, q := range []transfer.ExportQuery{{Format: "pdf"}, {SegmentID: seg.ID, Tag: "vip"}} {
			if _, err := e.svc.Export(e.Ctx, e.Owner, q); siyu.ErrorCode(err) != siyu.EINVALID {
				t.Errorf("export %+v: %v", q, err)
			}
		}
	})
}

// TestExportImportsBack: a file exported by staff with contacts.view imports back into
// the same customers (every row merges, nothing new), with its tags read.
func TestExportImportsBack(t *testing.T) {
	t.Parallel()
	e := newEnv(t, dbtest.SQLite(t), transfer.Options{})
	e.Customer(e.Owner, crm.CustomerInput{Name: "甲", Phone: "13800138000", Tags: []string{"vip", "新客"}})
	e.Customer(e.Owner, crm.CustomerInput{Name: "乙", WechatUnionID: "uid_abcdef", Tags: []string{"老客"}})
	for _, format := range []string{"csv", "xlsx"} {
		x, err := e.svc.Export(e.Ctx, e.Owner, transfer.ExportQuery{Format: format})
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		if err := x.Write(&buf); err != nil {
			t.Fatal(err)
		}
		im, err := e.svc.Upload(e.Ctx, e.Owner, transfer.Upload{Filename: x.Filename, Data: buf.Bytes()})
		if err != nil {
			t.Fatal(err)
		}
		if im.Counts != (transfer.Counts{Rows: 2, Merge: 2}) || im.Format != format {
			t.Errorf("%s re-import: %+v", format, im.Counts)
		}
		rows := e.rows(e.Owner, im.ID)
		same(t, format+" tags read back", []string{"vip", "新客"}, rows[3].Tags)
	}
	// What the import does not read is reported, not refused.
	x, _ := e.svc.Export(e.Ctx, e.Owner, transfer.ExportQuery{})
	var buf bytes.Buffer
	_ = x.Write(&buf)
	r := csv.NewReader(bytes.NewReader(buf.Bytes()[3:]))
	header, _ := r.Read()
	im, _ := e.svc.Upload(e.Ctx, e.Owner, transfer.Upload{Data: buf.Bytes()})
	if len(im.UnknownColumns) != len(header)-7 {
		t.Errorf("unknown columns %q", im.UnknownColumns)
	}
}

// TestTemplateImportsCleanly: the downloadable template is read column for column, and
// its example rows import without a single issue.
func TestTemplateImportsCleanly(t *testing.T) {
	t.Parallel()
	e := newEnv(t, dbtest.SQLite(t), transfer.Options{})
	for _, format := range []string{"csv", "xlsx"} {
		var buf bytes.Buffer
		if err := transfer.Template(&buf, format); err != nil {
			t.Fatal(err)
		}
		im, err := e.svc.Upload(e.Ctx, e.Owner, transfer.Upload{Filename: "template." + format, Data: buf.Bytes()})
		if err != nil {
			t.Fatal(err)
		}
		if im.Counts != (transfer.Counts{Rows: 2, New: 2}) || len(im.UnknownColumns) != 0 || len(im.Issues) != 0 {
			t.Errorf("%s template: counts %+v, unknown %q, issues %+v", format, im.Counts, im.UnknownColumns, im.Issues)
		}
	}
}
