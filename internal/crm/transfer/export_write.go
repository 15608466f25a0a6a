package transfer

import (
	"bufio"
	"encoding/csv"
	"fmt"
	"io"
	"strconv"

	"github.com/xuri/excelize/v2"
)

// rowSource hands each row of cells to fn, in order.
type rowSource func(fn func(cells []any) error) error

// writeCSV writes UTF-8 CSV with a byte order mark, which Excel needs to read Chinese
// text in a CSV correctly.
func writeCSV(w io.Writer, header []string, rows rowSource) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	if _, err := bw.Write(utf8BOM); err != nil {
		return err
	}
	cw := csv.NewWriter(bw)
	cw.UseCRLF = true // what Excel writes and expects
	if err := cw.Write(header); err != nil {
		return err
	}
	rec := make([]string, len(header))
	err := rows(func(cells []any) error {
		for i, c := range cells {
			switch v := c.(type) {
			case string:
				rec[i] = v
			case int64:
				rec[i] = strconv.FormatInt(v, 10)
			case float64:
				rec[i] = strconv.FormatFloat(v, 'f', 2, 64)
			default:
				rec[i] = fmt.Sprint(v)
			}
		}
		return cw.Write(rec)
	})
	if err != nil {
		return err
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return err
	}
	return bw.Flush()
}

// writeXLSX writes one worksheet through excelize's stream writer, so a large export
// does not build the whole sheet in memory. Phones and ids stay text cells.
func writeXLSX(w io.Writer, header []string, widths []float64, rows rowSource) error {
	f := excelize.NewFile()
	defer f.Close()
	const sheet = "客户"
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return err
	}
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return err
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return err
	}
	for i, width := range widths {
		if err := sw.SetColWidth(i+1, i+1, width); err != nil {
			return err
		}
	}
	head := make([]any, len(header))
	for i, h := range header {
		head[i] = excelize.Cell{StyleID: bold, Value: h}
	}
	if err := sw.SetRow("A1", head, excelize.RowOpts{}); err != nil {
		return err
	}
	n := 1
	err = rows(func(cells []any) error {
		n++
		cell, err := excelize.CoordinatesToCellName(1, n)
		if err != nil {
			return err
		}
		return sw.SetRow(cell, cells)
	})
	if err != nil {
		return err
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	return f.Write(w)
}

// templateHeader and templateRows are the import template: every column an import
// reads, with two example rows showing the formats.
var (
	templateHeader = []string{"姓名", "手机", "微信openid", "unionid", "标签", "备注", "来源"}
	templateRows   = [][]any{
		{"张三", "13800138000", "", "", "vip、新客", "喜欢面膜", "douyin"},
		{"李四", "13900139000", "o6_bmjrPTlm6_2sgVt7hMZOPfL2M", "", "老客", "", "wechat"},
	}
)

// Template writes the import template as CSV or XLSX: the header row an import reads
// and two example rows.
func Template(w io.Writer, format string) error {
	rows := func(fn func(cells []any) error) error {
		for _, r := range templateRows {
			if err := fn(r); err != nil {
				return err
			}
		}
		return nil
	}
	if format == FormatXLSX {
		return writeXLSX(w, templateHeader, []float64{12, 15, 32, 24, 20, 24, 12}, rows)
	}
	return writeCSV(w, templateHeader, rows)
}
