package transfer

import (
	"bytes"

	"github.com/xuri/excelize/v2"
)

// Bounds on what an .xlsx may unpack to: a 20 MB upload is at most a few hundred MB of
// XML in practice; a zip bomb stops here instead of filling memory or the disk.
const (
	xlsxUnzipLimit    = 512 << 20
	xlsxXMLInMemLimit = 32 << 20 // larger worksheets are streamed through a temp file
	xlsxMaxRowNumber  = 1 << 20  // Excel's own last row
)

// DecodeXLSX reads the first worksheet that has any data of an Excel .xlsx workbook.
// Cell values are read raw (a phone typed as a number stays 13800138000, not
// 1.38E+10). A file that is not a workbook, or that the reader chokes on, is a clear
// 400, never a crash.
func DecodeXLSX(data []byte) (t *Table, err error) {
	defer func() {
		if v := recover(); v != nil {
			t, err = nil, fileErr(ReasonNotXLSX, "file: not a readable Excel .xlsx workbook (%v)", v)
		}
	}()
	if !bytes.HasPrefix(data, zipMagic) {
		return nil, fileErr(ReasonNotXLSX, "file: not an Excel .xlsx workbook (an .xlsx file is a zip archive); save it from Excel or WPS as .xlsx, or as CSV")
	}
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{UnzipSizeLimit: xlsxUnzipLimit,
		UnzipXMLSizeLimit: xlsxXMLInMemLimit})
	if err != nil {
		return nil, fileErr(ReasonNotXLSX, "file: not a readable Excel .xlsx workbook: %v", err)
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return nil, fileErr(ReasonNotXLSX, "file: the workbook has no worksheet")
	}
	for _, sheet := range sheets {
		b, err := readSheet(f, sheet)
		if err != nil {
			return nil, err
		}
		if b.t.Header != nil {
			b.t.Sheet = sheet
			return b.done()
		}
	}
	return nil, fileErr(ReasonEmpty, "file: every worksheet is empty; the first row must name the columns (姓名, 手机, 微信, 标签, 备注 …)")
}

func readSheet(f *excelize.File, sheet string) (*tableBuilder, error) {
	b := newTableBuilder(FormatXLSX)
	rows, err := f.Rows(sheet)
	if err != nil {
		return nil, fileErr(ReasonNotXLSX, "file: worksheet %q is not readable: %v", sheet, err)
	}
	defer rows.Close()
	for line := 1; rows.Next(); line++ {
		if line > xlsxMaxRowNumber {
			return nil, fileErr(ReasonNotXLSX, "file: worksheet %q has rows past Excel's last row", sheet)
		}
		cells, err := rows.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			return nil, fileErr(ReasonNotXLSX, "file: worksheet %q, row %d is not readable: %v", sheet, line, err)
		}
		if err := b.add(line, cells); err != nil {
			return nil, err
		}
	}
	if err := rows.Error(); err != nil {
		return nil, fileErr(ReasonNotXLSX, "file: worksheet %q is not readable: %v", sheet, err)
	}
	return b, nil
}
