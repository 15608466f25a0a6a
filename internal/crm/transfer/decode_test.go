package transfer_test

import (
	"bytes"
	"reflect"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/unicode"

	"github.com/siyu-live/siyu"
	"github.com/siyu-live/siyu/internal/crm/transfer"
)

// same fails the test unless got equals want.
func same(t *testing.T, what string, want, got any) {
	t.Helper()
	if !reflect.DeepEqual(want, got) {
		t.Errorf("%s:\n got  %q\n want %q", what, got, want)
	}
}

// cells lists a table's rows as line: cells, for comparing.
func cells(t *transfer.Table) map[int][]string {
	out := map[int][]string{}
	for _, r := range t.Rows {
		out[r.Line] = r.Cells
	}
	return out
}

// TestDecodeCSVAsExcelWritesIt: the ways Chinese Excel, WPS and scripts save a CSV all
// read as the same table, with rows numbered as the spreadsheet shows them.
func TestDecodeCSVAsExcelWritesIt(t *testing.T) {
	t.Parallel()
	utf8Text := "姓名,手机,标签\r\n张三,13800138000,\"vip,新客\"\r\n\r\n李四,139-0013-9000,老客\r\n"
	gbk, err := simplifiedchinese.GBK.NewEncoder().Bytes([]byte(utf8Text))
	if err != nil {
		t.Fatal(err)
	}
	utf16, err := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder().Bytes([]byte("姓名\t手机\t标签\r\n张三\t13800138000\t\"vip,新客\"\r\n\r\n李四\t139-0013-9000\t老客\r\n"))
	if err != nil {
		t.Fatal(err)
	}
	want := map[int][]string{2: {"张三", "13800138000", "vip,新客"}, 4: {"李四", "139-0013-9000", "老客"}}
	for _, tc := range []struct {
		name, enc string
		data      []byte
	}{
		{"utf-8", "utf-8", []byte(utf8Text)},
		{"utf-8 with BOM", "utf-8", append([]byte{0xEF, 0xBB, 0xBF}, utf8Text...)},
		{"gbk from Chinese Excel", "gbk", gbk},
		{"utf-16 Unicode text, tabs", "utf-16", utf16},
		{"semicolons", "utf-8", []byte(strings.ReplaceAll(strings.ReplaceAll(utf8Text, ",", ";"), "vip;新客", "vip,新客"))},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tb, err := transfer.DecodeCSV(tc.data)
			if err != nil {
				t.Fatal(err)
			}
			if tb.Encoding != tc.enc {
				t.Errorf("encoding %q, want %q", tb.Encoding, tc.enc)
			}
			same(t, "header", []string{"姓名", "手机", "标签"}, tb.Header)
			same(t, "rows", want, cells(tb))
			if tb.Blank != 1 {
				t.Errorf("blank rows %d, want 1", tb.Blank)
			}
		})
	}
}

// TestDecodeCSVRowNumbers: a quoted cell over two lines is one spreadsheet row, and
// blank lines before the header shift the numbers as Excel shows them.
func TestDecodeCSVRowNumbers(t *testing.T) {
	t.Parallel()
	tb, err := transfer.DecodeCSV([]byte("\n\nname,remark\na,\"two\nlines\"\nb,x\n"))
	if err != nil {
		t.Fatal(err)
	}
	if tb.HeaderAt != 3 {
		t.Errorf("header at %d, want 3", tb.HeaderAt)
	}
	same(t, "rows", map[int][]string{4: {"a", "two\nlines"}, 5: {"b", "x"}}, cells(tb))
}

// xlsxFile builds a workbook with one sheet of rows (cells as given: numbers stay
// numbers, as a phone typed into Excel does).
func xlsxFile(t testing.TB, sheet string, rows [][]any) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	if sheet != "Sheet1" {
		if _, err := f.NewSheet(sheet); err != nil {
			t.Fatal(err)
		}
	}
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow(sheet, cell, &r); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestDecodeXLSX: the first sheet with data is read; a phone typed as a number keeps
// all its digits; an empty row in the middle keeps the numbering.
func TestDecodeXLSX(t *testing.T) {
	t.Parallel()
	data := xlsxFile(t, "客户名单", [][]any{
		{"姓名", "手机号", "备注"},
		{"王五", 13700137000, "老客户"},
		{nil, nil, nil},
		{"赵六", "13600136000", 12.5},
	})
	tb, err := transfer.DecodeXLSX(data)
	if err != nil {
		t.Fatal(err)
	}
	if tb.Sheet != "客户名单" || tb.Format != "xlsx" {
		t.Errorf("sheet %q format %q", tb.Sheet, tb.Format)
	}
	want := map[int][]string{2: {"王五", "13700137000", "老客户"}, 4: {"赵六", "13600136000", "12.5"}}
	same(t, "rows", want, cells(tb))
}

// TestDecodeRefusesWhatIsNotAFile: a file that is not what it says is a clear 400 on
// the field "file" with a reason the console translates, never a crash.
func TestDecodeRefusesWhatIsNotAFile(t *testing.T) {
	t.Parallel()
	xls := append([]byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}, make([]byte, 600)...)
	brokenZip := append([]byte("PK\x03\x04"), bytes.Repeat([]byte("garbage"), 50)...)
	for _, tc := range []struct {
		name, format, filename string
		data                   []byte
		reason                 string
	}{
		{"text named .xlsx", "", "customers.xlsx", []byte("this is not a workbook"), transfer.ReasonNotXLSX},
		{"broken zip", "", "customers.csv", brokenZip, transfer.ReasonNotXLSX},
		{"old .xls", "", "customers.xls", xls, transfer.ReasonOldXLS},
		{"old .xls content named .csv", "csv", "customers.csv", xls, transfer.ReasonOldXLS},
		{"binary as csv", "csv", "x.csv", []byte{'a', 0, 'b', 0xff, '\n'}, transfer.ReasonNotText},
		{"empty", "", "x.csv", []byte(" \n "), transfer.ReasonEmpty},
		{"blank lines only", "", "x.csv", []byte(",,\n,,\n"), transfer.ReasonEmpty},
		{"unknown format", "pdf", "x.pdf", []byte("a,b"), transfer.ReasonFormat},
		{"too big", "csv", "x.csv", bytes.Repeat([]byte("a,b\n"), transfer.MaxFileBytes/4+1), transfer.ReasonTooBig},
	} {
		t.Run(tc.name, func(t *testing.T) {
			format, err := transfer.FormatOf(tc.format, tc.filename, tc.data)
			if err == nil {
				_, err = transfer.Decode(format, tc.data)
			}
			if transfer.Reason(err) != tc.reason || siyu.ErrorCode(err) != siyu.EINVALID || siyu.ErrorField(err) != "file" && tc.reason != transfer.ReasonFormat {
				t.Fatalf("error %v (reason %q), want reason %q", err, transfer.Reason(err), tc.reason)
			}
		})
	}
}

// TestDecodeRowLimit: one row over MaxRows is refused with the limit named.
func TestDecodeRowLimit(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	b.WriteString("name\n")
	for range transfer.MaxRows + 1 {
		b.WriteString("a\n")
	}
	_, err := transfer.DecodeCSV([]byte(b.String()))
	if transfer.Reason(err) != transfer.ReasonTooMany || !strings.Contains(siyu.ErrorMessage(err), "200000") {
		t.Fatalf("error %v, want too many rows naming the limit", err)
	}
}
