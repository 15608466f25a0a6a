package transfer_test

import (
	"strconv"
	"strings"
	"testing"

	"github.com/siyu-live/siyu"
	"github.com/siyu-live/siyu/internal/crm"
	"github.com/siyu-live/siyu/internal/crm/transfer"
	"github.com/siyu-live/siyu/internal/db"
	"github.com/siyu-live/siyu/internal/db/dbtest"
)

// messyFile has good rows and every kind of bad one an operator's spreadsheet has.
const messyFile = "姓名,手机号,微信,标签,备注,来源,生日\n" +
	"张三,13800138000,,vip、新客,爱买面膜,抖音,1990-01-01\n" + // 2: merges into the existing 老张
	"李四,139 0013 9000,oid_lisi,老客|复购,,wechat,\n" + // 3: new
	"王五,12345a,,,,,\n" + // 4: bad phone
	",,,,只有备注,,\n" + // 5: nothing to know the customer by
	"李四二号,13900139000,,高价值,第二次登记,,\n" + // 6: the same person as row 3
	"赵六,,oid_zhao,坏 标签,,,,多出来的\n" + // 7: bad tag and a value past the header
	",13700137000,,,,,\n" + // 8: no name: a placeholder
	"钱七,13600136000,,买过;新客,,外星渠道,\n" + // 9: a rule tag left out, an unknown source
	"\n" +
	"孙八,1.38E+10,,,,,\n" // 11: Excel's scientific notation

// TestDryRunReportsEveryRowAndChangesNothing: the report names each row's fate and the
// column at fault, counts them, lists the unknown column, and customers are untouched
// until the operator confirms.
func TestDryRunReportsEveryRowAndChangesNothing(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, store *db.DB) {
		e := newEnv(t, store, transfer.Options{})
		old := e.Customer(e.Owner, crm.CustomerInput{Name: "老张", Phone: "13800138000"})
		if _, err := store.ExecContext(e.Ctx, `INSERT INTO tags (tenant_id, name, kind, rule, created_at) VALUES (?, '买过', 'rule', 'orders >= 1', 0)`,
			e.Owner.TenantID); err != nil {
			t.Fatal(err)
		}
		im := e.upload(e.Owner, messyFile)
		if im.Status != transfer.ImportReady || im.Format != "csv" || im.Encoding != "utf-8" || im.Filename != "客户.csv" {
			t.Errorf("import %+v", im)
		}
		same(t, "counts", transfer.Counts{Rows: 9, New: 3, Merge: 2, Error: 4, Skipped: 1}, im.Counts)
		same(t, "unknown columns", []string{"生日"}, im.UnknownColumns)
		if e.customers(e.Owner.TenantID) != 1 {
			t.Fatalf("the dry run changed customers: %d", e.customers(e.Owner.TenantID))
		}
		rows := e.rows(e.Owner, im.ID)
		want := map[int][]string{
			2:  {"note:existing"},
			3:  {},
			4:  {"error:phone@手机号"},
			5:  {"error:no_identity"},
			6:  {"note:same_as_row"},
			7:  {"error:extra_cells", "error:tag@标签"},
			8:  {"note:no_name"},
			9:  {"note:rule_tag@标签", "note:source@来源"},
			11: {"error:phone_sci@手机号"},
		}
		got := map[int][]string{}
		for n, r := range rows {
			got[n] = codes(r)
		}
		same(t, "issues by row", want, got)
		if r := rows[2]; r.Status != transfer.StatusMerge || r.CustomerID != old.ID || r.Issues[0].Arg != "#"+itoa(old.ID) {
			t.Errorf("row 2 should merge into customer %d: %+v", old.ID, r)
		}
		if r := rows[6]; r.SameAsRow != 3 || r.Status != transfer.StatusMerge {
			t.Errorf("row 6 should be the same person as row 3: %+v", r)
		}
		if r := rows[8]; r.Issues[0].Arg != "客户7000" {
			t.Errorf("row 8 placeholder name: %+v", r.Issues)
		}
		same(t, "row 2 tags", []string{"vip", "新客"}, rows[2].Tags)
		same(t, "row 9 tags", []string{"新客"}, rows[9].Tags)
		// The import itself carries the rows with issues, in file order.
		if len(im.Issues) != 8 || im.Issues[0].Row != 2 || im.MoreIssues {
			t.Errorf("import issues: %d rows, first %d", len(im.Issues), im.Issues[0].Row)
		}
		// Staff without contacts.view cannot import, and see phones masked if they could read.
		if _, err := e.svc.Upload(e.Ctx, e.host, transfer.Upload{Data: []byte(messyFile)}); siyu.ErrorCode(err) != siyu.EFORBIDDEN {
			t.Errorf("host uploaded: %v", err)
		}
	})
}

// TestConfirmAppliesGoodRowsOnce: confirming creates and merges customers with their
// tags, remarks and sources through the CRM, skips the rows with errors, records the
// result per row, audits it, and a second confirm does nothing.
func TestConfirmAppliesGoodRowsOnce(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, store *db.DB) {
		e := newEnv(t, store, transfer.Options{})
		old := e.Customer(e.Owner, crm.CustomerInput{Name: "老张", Phone: "13800138000", Remark: "老客户"})
		im := e.upload(e.Owner, messyFile)
		done, started, err := e.svc.Confirm(e.Ctx, e.Owner, im.ID)
		if err != nil || !started {
			t.Fatalf("confirm: started %v, %v", started, err)
		}
		if done.Status != transfer.ImportDone || done.ConfirmedBy != e.Owner.Email {
			t.Errorf("after confirm: %+v", done)
		}
		// 3 and 6 are one person (created, then merged), 8 and 9 new, 2 merged into 老张.
		same(t, "result", transfer.Result{Applied: 5, Created: 3, Merged: 2, Skipped: 4}, done.Result)
		if n := e.customers(e.Owner.TenantID); n != 4 {
			t.Errorf("%d customers, want 4 (老张 + 李四 + 客户7000 + 钱七)", n)
		}
		zhang, err := e.CRM.Get(e.Ctx, e.Owner, old.ID)
		if err != nil {
			t.Fatal(err)
		}
		if zhang.Name != "老张" || !strings.Contains(zhang.Remark, "老客户") || !strings.Contains(zhang.Remark, "爱买面膜") {
			t.Errorf("merged 老张: name %q remark %q", zhang.Name, zhang.Remark)
		}
		same(t, "老张's tags", []string{"vip", "新客"}, tagNames(zhang.Tags))
		li, err := e.CRM.ByIdentity(e.Ctx, e.Owner, crm.KindWechatOpenID, "oid_lisi")
		if err != nil {
			t.Fatal(err)
		}
		if li.Name != "李四" || li.Phone != "13900139000" || li.FirstSource != "wechat" || li.Remark != "第二次登记" {
			t.Errorf("李四: %+v", li)
		}
		same(t, "李四's tags", []string{"复购", "老客", "高价值"}, tagNames(li.Tags))
		nameless, err := e.CRM.ByIdentity(e.Ctx, e.Owner, crm.KindPhone, "13700137000")
		if err != nil || nameless.Name != "客户7000" || nameless.FirstSource != transfer.SourceImport {
			t.Errorf("row 8 customer: %+v %v", nameless, err)
		}
		rows := e.rows(e.Owner, im.ID)
		for n, want := range map[int]string{2: "merged", 3: "created", 4: "skipped", 5: "skipped", 6: "merged", 7: "skipped",
			8: "created", 9: "created", 11: "skipped"} {
			if rows[n].Result != want {
				t.Errorf("row %d result %q, want %q", n, rows[n].Result, want)
			}
		}
		if rows[6].CustomerID != li.ID || rows[3].CustomerID != li.ID {
			t.Errorf("rows 3 and 6 applied to %d and %d, want %d", rows[3].CustomerID, rows[6].CustomerID, li.ID)
		}
		if a := e.audit(e.Owner.TenantID, transfer.AuditImport); len(a) != 1 || !strings.Contains(a[0], "new=3 merge=2 skipped=4") {
			t.Errorf("audit: %q", a)
		}

		again, started, err := e.svc.Confirm(e.Ctx, e.Owner, im.ID)
		if err != nil || started || again.Result != done.Result {
			t.Errorf("second confirm: started %v, %v, result %+v", started, err, again.Result)
		}
		if n := e.customers(e.Owner.TenantID); n != 4 || len(e.audit(e.Owner.TenantID, transfer.AuditImport)) != 1 {
			t.Errorf("second confirm changed something: %d customers", n)
		}
	})
}

func tagNames(tags []crm.TagRef) []string {
	out := []string{}
	for _, t := range tags {
		out = append(out, t.Name)
	}
	return out
}

// TestImportsAreTheTenantsOwn: another brand's import is not found, and a file naming
// another brand's customer's phone creates a new customer instead of merging.
func TestImportsAreTheTenantsOwn(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, store *db.DB) {
		e := newEnv(t, store, transfer.Options{})
		other := e.Signup("Other")
		e.Customer(other, crm.CustomerInput{Name: "别家客户", Phone: "13500135000"})
		im := e.upload(e.Owner, "name,phone\n我的客户,13500135000\n")
		if im.Counts.New != 1 || im.Counts.Merge != 0 {
			t.Errorf("counts %+v: another brand's customer must not be merged into", im.Counts)
		}
		if _, err := e.svc.Get(e.Ctx, other, im.ID); siyu.ErrorCode(err) != siyu.ENOTFOUND {
			t.Errorf("other brand reads the import: %v", err)
		}
		if _, _, err := e.svc.Confirm(e.Ctx, other, im.ID); siyu.ErrorCode(err) != siyu.ENOTFOUND {
			t.Errorf("other brand confirms the import: %v", err)
		}
		if _, _, err := e.svc.Rows(e.Ctx, other, im.ID, transfer.RowQuery{}); siyu.ErrorCode(err) != siyu.ENOTFOUND {
			t.Errorf("other brand reads the rows: %v", err)
		}
		if list, _, _ := e.svc.List(e.Ctx, other, "", 0); len(list) != 0 {
			t.Errorf("other brand lists %d imports", len(list))
		}
	})
}

// TestFileProblemsAreClear: a file without a usable column is refused whole, naming
// what it needs.
func TestFileProblemsAreClear(t *testing.T) {
	t.Parallel()
	e := newEnv(t, dbtest.SQLite(t), transfer.Options{})
	_, err := e.svc.Upload(e.Ctx, e.Owner, transfer.Upload{Filename: "x.csv", Data: []byte("生日,城市\n1990,上海\n")})
	if transfer.Reason(err) != transfer.ReasonNoColumns || !strings.Contains(siyu.ErrorMessage(err), "手机/phone") {
		t.Fatalf("error %v", err)
	}
	_, err = e.svc.Upload(e.Ctx, e.Owner, transfer.Upload{Filename: "客户.xlsx", Data: []byte("姓名,手机\n")})
	if transfer.Reason(err) != transfer.ReasonNotXLSX {
		t.Fatalf("text named .xlsx: %v", err)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
