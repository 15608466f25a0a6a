// The 客户导入导出 pages: an upload becomes a dry-run report with row errors by column,
// nothing changes until 确认导入, confirming applies the good rows once; exports
// download with phones masked for a host; bad files are explained in Chinese.

package web_test

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/siyu-live/siyu/internal/apptest"
)

var importURLRe = regexp.MustCompile(`^/console/customers/import/(\d+)$`)

// importRawKey matches a catalog key of this area shown as text instead of its translation.
var importRawKey = regexp.MustCompile(`>[^<]*\bcustimport\.[a-z_.]+`)

// uploadForm posts a file to the upload form; htmx sends the CSRF token as a header,
// a plain form as a field.
func (b *browser) uploadForm(filename string, data []byte, htmx bool) page {
	b.t.Helper()
	if b.csrf == "" {
		b.get("/console")
	}
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	if !htmx {
		_ = mw.WriteField("csrf", b.csrf)
	}
	fw, _ := mw.CreateFormFile("file", filename)
	_, _ = fw.Write(data)
	_ = mw.Close()
	req, _ := http.NewRequest(http.MethodPost, b.app.URL+"/console/customers/import", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	if htmx {
		req.Header.Set("HX-Request", "true")
		req.Header.Set("X-CSRF-Token", b.csrf)
	}
	return b.do(req)
}

func TestConsoleCustomerImport(t *testing.T) {
	t.Parallel()
	app := apptest.New(t)
	o := app.Signup("导入店铺")
	app.Must(http.StatusCreated, "POST", "/api/v1/customers", o.Token, map[string]any{"name": "老客户", "phone": "13800138000"})
	b := newBrowser(t, app)
	b.login(o.Email, "correct horse battery")

	p := b.get("/console/customers/import")
	mustStatus(t, p, http.StatusOK, "import page")
	mustHave(t, p, "import page", "导入客户", `name="file"`, "导出客户", "还没有导入过客户", "/console/customers/import/template?format=xlsx")

	file := "姓名,手机,标签,备注\n新客甲,13900139001,直播导入、vip,首批\n老客户,13800138000,直播导入,\n坏号码,12ab,直播导入,\n"
	p = b.uploadForm("名单.csv", []byte(file), true)
	mustStatus(t, p, http.StatusNoContent, "htmx upload")
	m := importURLRe.FindStringSubmatch(p.Header.Get("HX-Redirect"))
	if m == nil {
		t.Fatalf("upload redirects to %q", p.Header.Get("HX-Redirect"))
	}
	report := m[0]
	p = b.get(report)
	mustStatus(t, p, http.StatusOK, "report")
	mustHave(t, p, "report", "预检完成，客户数据尚未改变", "确认导入后将新建 1 位客户、合并 1 位", "有错误的 1 行将被跳过",
		`data-row="4" data-status="error"`, "imp-row-bad", "“12ab”不是有效的手机号", `<span class="imp-issue-col">手机</span>`,
		"将合并到已有客户 #", "名单.csv")
	if importRawKey.MatchString(p.Body) {
		t.Fatalf("report shows a raw key: %s", importRawKey.FindString(p.Body))
	}
	if r := app.Must(http.StatusOK, "GET", "/api/v1/customers?tag=直播导入", o.Token, nil); !bytes.Contains(r.Body, []byte(`"items":[]`)) {
		t.Fatalf("the dry run changed customers: %s", r.Body)
	}

	p = b.submit(report+"/confirm", url.Values{})
	mustStatus(t, p, http.StatusSeeOther, "confirm")
	deadline := time.Now().Add(20 * time.Second)
	for p = b.get(report); strings.Contains(p.Body, `data-status="applying"`) && time.Now().Before(deadline); p = b.get(report) {
		time.Sleep(50 * time.Millisecond)
	}
	mustHave(t, p, "result", "导入完成", "新建 1 位客户，合并 1 位。", "有错误的 1 行已跳过。", "已新建", "已跳过")
	// The progress bar of an import that finished asks the page to reload itself.
	p = b.get(report+"?part=progress", "HX-Request", "true")
	if p.Header.Get("HX-Refresh") != "true" || !p.has(`data-testid="import-progress"`) {
		t.Fatalf("progress of a finished import: %v\n%s", p.Header, p.Body)
	}
	r := app.Must(http.StatusOK, "GET", "/api/v1/customers?tag=直播导入", o.Token, nil)
	if !bytes.Contains(r.Body, []byte("新客甲")) || !bytes.Contains(r.Body, []byte("老客户")) || bytes.Contains(r.Body, []byte("坏号码")) {
		t.Fatalf("customers after the import: %s", r.Body)
	}
	mustStatus(t, b.submit(report+"/confirm", url.Values{}), http.StatusSeeOther, "second confirm")
	mustHave(t, b.get(report), "after the second confirm", "这个导入已经确认过了")

	// A plain form post (no htmx) works too; a file that is not a workbook is explained.
	p = b.uploadForm("b.csv", []byte("name,phone\n乙,13700137000\n"), false)
	mustStatus(t, p, http.StatusSeeOther, "plain upload")
	p = b.uploadForm("客户.xlsx", []byte("definitely not a workbook"), true)
	mustStatus(t, p, http.StatusUnprocessableEntity, "bad file")
	mustHave(t, p, "bad file", `data-testid="import-error"`, "这不是有效的 Excel .xlsx 文件")
	p = b.get("/console/customers/import")
	mustHave(t, p, "recent imports", "名单.csv", "已导入", "b.csv", "待确认")

	// Exports: the owner sees phones; a host sees them masked and cannot import.
	p = b.get("/console/customers/export?tag=直播导入&format=csv")
	mustStatus(t, p, http.StatusOK, "export")
	if !strings.HasPrefix(p.Header.Get("Content-Disposition"), "attachment;") || !p.has("13900139001") || !p.has("新客甲") {
		t.Fatalf("export: %v\n%s", p.Header, p.Body)
	}
	app.Must(http.StatusCreated, "POST", "/api/v1/staff", o.Token, map[string]any{"email": "host-imp-web@example.com", "name": "主播",
		"role": "host", "password": "password-host-1"})
	h := newBrowser(t, app)
	h.login("host-imp-web@example.com", "password-host-1")
	p = h.get("/console/customers/import")
	mustHave(t, p, "host page", "导入客户需要“管理客户”权限", "导出的手机号和微信号将打码")
	mustNotHave(t, p, "host page", `name="file"`)
	p = h.get("/console/customers/export?tag=直播导入&format=csv")
	if !p.has("139****9001") || p.has("13900139001") {
		t.Fatalf("host export must mask phones:\n%s", p.Body)
	}
	mustStatus(t, h.uploadForm("c.csv", []byte("name\n丙\n"), true), http.StatusForbidden, "host upload")
	mustStatus(t, h.get(report), http.StatusForbidden, "host report")
}
