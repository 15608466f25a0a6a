package transfer_test

import (
	"testing"
	"unicode/utf8"

	"github.com/siyu-live/siyu"
	"github.com/siyu-live/siyu/internal/crm/transfer"
)

// checkTable holds for whatever a decoder accepted: rows in increasing spreadsheet
// order after the header, within the limits, valid UTF-8 and no blank row.
func checkTable(t *testing.T, tb *transfer.Table, err error) {
	t.Helper()
	if err != nil {
		if siyu.ErrorCode(err) != siyu.EINVALID || transfer.Reason(err) == "" {
			t.Fatalf("a bad file must be 400 invalid with a reason, got %v", err)
		}
		return
	}
	if tb.Header == nil || len(tb.Header) > transfer.MaxColumns || len(tb.Rows) > transfer.MaxRows {
		t.Fatalf("table out of bounds: %d columns, %d rows", len(tb.Header), len(tb.Rows))
	}
	last := tb.HeaderAt
	for _, r := range tb.Rows {
		if r.Line <= last {
			t.Fatalf("row %d after row %d", r.Line, last)
		}
		last = r.Line
		blank := true
		for _, c := range r.Cells {
			if !utf8.ValidString(c) {
				t.Fatalf("row %d: cell %q is not UTF-8", r.Line, c)
			}
			blank = blank && c == ""
		}
		if blank {
			t.Fatalf("row %d is blank but was kept", r.Line)
		}
	}
}

// FuzzCSV: no input crashes the CSV decoder or breaks the table's invariants.
func FuzzCSV(f *testing.F) {
	for _, s := range []string{
		"姓名,手机,标签\n张三,13800138000,\"vip,新客\"\n",
		"\xef\xbb\xbfname;phone\r\na;1\r\n",
		"\xff\xfen\x00a\x00m\x00e\x00\n\x00",
		"name\t手机\n\"unterminated,1\n",
		"\xd5\xc5\xc8\xfd,13800138000\n\xc0\xee\xcb\xc4,1\n", // GBK
		"\n\n,,,\nname\n\"a\nb\"\n",
		"a,\"b\"\"c\",d\n1,2,3,4,5,6\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		tb, err := transfer.DecodeCSV(data)
		checkTable(t, tb, err)
	})
}

// FuzzXLSX: no input crashes the Excel decoder (excelize panics are turned into a 400)
// or breaks the table's invariants. Seeds are small real workbooks and broken ones.
func FuzzXLSX(f *testing.F) {
	f.Add(xlsxFile(f, "Sheet1", [][]any{{"姓名", "手机"}, {"张三", 13800138000}}))
	f.Add(xlsxFile(f, "名单", [][]any{{"name", "tags"}, {nil, nil}, {"a", "x,y"}}))
	f.Add([]byte("PK\x03\x04not really a zip"))
	f.Add([]byte("plain text"))
	f.Fuzz(func(t *testing.T, data []byte) {
		tb, err := transfer.DecodeXLSX(data)
		checkTable(t, tb, err)
	})
}
