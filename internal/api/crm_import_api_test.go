package api_test

import (
	"bytes"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/siyu-live/siyu/internal/apptest"
)

// upload posts a file as multipart/form-data, as a browser form does.
func upload(t *testing.T, app *apptest.App, token, filename string, data []byte) apptest.Response {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, err := mw.CreateFormFile("file", filename)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = fw.Write(data)
	_ = mw.Close()
	req, _ := http.NewRequest("POST", app.URL+"/api/v1/customer-imports", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+token)
	return send(t, app, req)
}

func send(t *testing.T, app *apptest.App, req *http.Request) apptest.Response {
	t.Helper()
	res, err := app.Client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	out := apptest.Response{Status: res.StatusCode, Body: raw, Header: res.Header}
	if strings.HasPrefix(res.Header.Get("Content-Type"), "application/json") {
		_ = json.Unmarshal(raw, &out.JSON)
	}
	return out
}

// workbook is a small .xlsx with the phone typed as a number, as in Excel.
func workbook(t *testing.T, rows [][]any) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow("Sheet1", cell, &r); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// waitImport polls an import until it is no longer applying.
func waitImport(t *testing.T, app *apptest.App, token, id string) apptest.Response {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		r := app.Must(http.StatusOK, "GET", "/api/v1/customer-imports/"+id, token, nil)
		if r.JSON["status"] != "applying" || time.Now().After(deadline) {
			return r
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestCustomerImportAPI: an Excel upload answers the dry-run report (row errors by
// column, counts) and changes nothing; confirming applies the good rows in the
// background, once; the customers are in the list by tag; a file that is not a
// workbook is a clear 400; hosts cannot import.
func TestCustomerImportAPI(t *testing.T) {
	t.Parallel()
	app := apptest.New(t)
	o := app.Signup("Import API")
	app.Must(http.StatusCreated, "POST", "/api/v1/customers", o.Token, map[string]any{"name": "老客", "phone": "13800138000"})
	xlsx := workbook(t, [][]any{
		{"姓名", "手机号", "标签", "备注", "城市"},
		{"新客甲", 13900139001, "直播导入,vip", "第一批", "上海"},
		{"老客", 13800138000, "直播导入", "", "北京"},
		{"坏号码", "12ab", "直播导入", "", ""},
		{nil, nil, "直播导入", "没有身份", nil},
	})
	r := upload(t, app, o.Token, "名单.xlsx", xlsx)
	if r.Status != http.StatusCreated {
		t.Fatalf("upload: %d %s", r.Status, r.Body)
	}
	id := itoa(r.ID("id"))
	counts := r.JSON["counts"].(map[string]any)
	if counts["new"] != 1.0 || counts["merge"] != 1.0 || counts["error"] != 2.0 || r.JSON["status"] != "ready" || r.JSON["format"] != "xlsx" {
		t.Errorf("dry run: %s", r.Body)
	}
	for _, want := range []string{`"unknown_columns":["城市"]`, `"column":"手机号"`, `"code":"phone"`, `"code":"no_identity"`, `"code":"existing"`} {
		if !bytes.Contains(r.Body, []byte(want)) {
			t.Errorf("report lacks %s: %s", want, r.Body)
		}
	}
	app.Run(t, []apptest.Scenario{
		{Name: "nothing changed", Method: "GET", Path: "/api/v1/customers?tag=直播导入", Token: o.Token, Status: 200, Has: []string{`"items":[]`}},
		{Name: "error rows", Method: "GET", Path: "/api/v1/customer-imports/" + id + "/rows?filter=error", Token: o.Token, Status: 200,
			Has: []string{`"row":4`, `"row":5`}, Lacks: []string{`"row":2`}},
		{Name: "bad filter", Method: "GET", Path: "/api/v1/customer-imports/" + id + "/rows?filter=x", Token: o.Token, Status: 400,
			Code: "invalid", Field: "filter"},
		{Name: "listed", Method: "GET", Path: "/api/v1/customer-imports", Token: o.Token, Status: 200, Has: []string{`"filename":"名单.xlsx"`}},
	})

	c := app.Must(http.StatusAccepted, "POST", "/api/v1/customer-imports/"+id+"/confirm", o.Token, nil)
	if c.JSON["status"] != "applying" && c.JSON["status"] != "done" {
		t.Errorf("confirm: %s", c.Body)
	}
	done := waitImport(t, app, o.Token, id)
	result := done.JSON["result"].(map[string]any)
	if done.JSON["status"] != "done" || result["created"] != 1.0 || result["merged"] != 1.0 || result["skipped"] != 2.0 {
		t.Fatalf("after confirm: %s", done.Body)
	}
	app.Must(http.StatusOK, "POST", "/api/v1/customer-imports/"+id+"/confirm", o.Token, nil) // again: nothing happens twice
	list := app.Must(http.StatusOK, "GET", "/api/v1/customers?tag=直播导入", o.Token, nil)
	if items := list.JSON["items"].([]any); len(items) != 2 || !bytes.Contains(list.Body, []byte("新客甲")) || !bytes.Contains(list.Body, []byte(`"name":"vip"`)) {
		t.Errorf("customers by tag after the import: %s", list.Body)
	}

	// Raw bodies, broken files, limits and permissions.
	app.Must(http.StatusCreated, "POST", "/api/v1/customer-imports?format=csv&filename=a.csv", o.Token, []byte("name,phone\n甲,13700137000\n"))
	app.Must(http.StatusCreated, "POST", "/api/v1/staff", o.Token, map[string]any{"email": "host-imp@example.com", "name": "主播",
		"role": "host", "password": "password-host-1"})
	host := app.Must(http.StatusOK, "POST", "/api/v1/auth/login", "", map[string]any{"email": "host-imp@example.com",
		"password": "password-host-1"}).JSON["token"].(string)
	bad := upload(t, app, o.Token, "客户.xlsx", []byte("this is not a workbook at all"))
	if bad.Status != 400 || bad.ErrorCode() != "invalid" || bad.ErrorField() != "file" || !bytes.Contains(bad.Body, []byte("not an Excel .xlsx workbook")) {
		t.Errorf("malformed xlsx: %d %s", bad.Status, bad.Body)
	}
	huge := app.Do("POST", "/api/v1/customer-imports?format=csv", o.Token, bytes.Repeat([]byte("a,b\n"), 22<<18))
	if huge.Status != 400 || huge.ErrorField() != "file" || !bytes.Contains(huge.Body, []byte("20 MB")) {
		t.Errorf("22 MB upload: %d %s", huge.Status, huge.Body)
	}
	app.Run(t, []apptest.Scenario{
		{Name: "host may not import", Method: "POST", Path: "/api/v1/customer-imports?format=csv", Token: host, Body: "name\n甲\n",
			Status: 403, Code: "forbidden"},
		{Name: "host may not read imports", Method: "GET", Path: "/api/v1/customer-imports/" + id, Token: host, Status: 403},
		{Name: "empty body", Method: "POST", Path: "/api/v1/customer-imports?format=xlsx", Token: o.Token, Body: "",
			Status: 400, Code: "invalid", Field: "file"},
		{Name: "unknown import", Method: "GET", Path: "/api/v1/customer-imports/999999", Token: o.Token, Status: 404},
	})
}

// TestCustomerExportAPI: an export downloads as a file named for Excel, phones masked
// for a host, filtered like the list, and is in the audit log.
func TestCustomerExportAPI(t *testing.T) {
	t.Parallel()
	app := apptest.New(t)
	o := app.Signup("Export API")
	app.Must(http.StatusCreated, "POST", "/api/v1/customers", o.Token, map[string]any{"name": "导出甲", "phone": "13800138000", "tags": []string{"vip"}})
	app.Must(http.StatusCreated, "POST", "/api/v1/customers", o.Token, map[string]any{"name": "导出乙", "phone": "13900139000"})
	app.Must(http.StatusCreated, "POST", "/api/v1/staff", o.Token, map[string]any{"email": "host-exp@example.com", "name": "主播",
		"role": "host", "password": "password-host-1"})
	host := app.Must(http.StatusOK, "POST", "/api/v1/auth/login", "", map[string]any{"email": "host-exp@example.com",
		"password": "password-host-1"}).JSON["token"].(string)
	seg := app.Must(http.StatusCreated, "POST", "/api/v1/segments", o.Token, map[string]any{"name": "会员", "rule": "tag:vip"})

	r := app.Must(http.StatusOK, "GET", "/api/v1/customers/export", o.Token, nil)
	if !strings.HasPrefix(r.Header.Get("Content-Disposition"), `attachment; filename="customers-`) || r.Header.Get("X-Export-Count") != "2" ||
		!bytes.Contains(r.Body, []byte("13800138000")) || !bytes.HasPrefix(r.Body, []byte("\xef\xbb\xbf客户ID,姓名,手机")) {
		t.Errorf("owner export: %v\n%s", r.Header, r.Body)
	}
	app.Run(t, []apptest.Scenario{
		{Name: "host sees masked phones", Method: "GET", Path: "/api/v1/customers/export?tag=vip", Token: host, Status: 200,
			Has: []string{"导出甲", "138****8000"}, Lacks: []string{"13800138000", "导出乙"}},
		{Name: "segment", Method: "GET", Path: "/api/v1/customers/export?segment_id=" + itoa(seg.ID("id")), Token: o.Token, Status: 200,
			Has: []string{"导出甲"}, Lacks: []string{"导出乙"}},
		{Name: "bad format", Method: "GET", Path: "/api/v1/customers/export?format=pdf", Token: o.Token, Status: 400, Code: "invalid", Field: "format"},
		{Name: "bad segment id", Method: "GET", Path: "/api/v1/customers/export?segment_id=x", Token: o.Token, Status: 400, Field: "segment_id"},
		{Name: "unknown segment", Method: "GET", Path: "/api/v1/customers/export?segment_id=999999", Token: o.Token, Status: 404},
		{Name: "audited", Method: "GET", Path: "/api/v1/audit-log", Token: o.Token, Status: 200,
			Has: []string{`"action":"customer.export"`, `tag=\"vip\"`, "contacts=false", "segment:"}},
	})
	x := app.Must(http.StatusOK, "GET", "/api/v1/customers/export?format=xlsx", o.Token, nil)
	f, err := excelize.OpenReader(bytes.NewReader(x.Body))
	if err != nil {
		t.Fatalf("xlsx export does not open: %v", err)
	}
	defer f.Close()
	rows, _ := f.GetRows("客户")
	if len(rows) != 3 || rows[1][1] != "导出乙" || rows[2][2] != "13800138000" {
		t.Errorf("xlsx rows: %q", rows)
	}
}
