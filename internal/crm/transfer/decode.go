package transfer

import (
	"bytes"
	"errors"
	"path"
	"strings"
	"unicode/utf8"

	"github.com/siyu-live/siyu"
)

// Limits of an uploaded file. MaxRows is a constant rather than a setting: the dry-run
// report, the stored plan and the apply job are sized for it.
const (
	MaxFileBytes = 20 << 20 // 20 MB
	MaxRows      = 200_000  // data rows (the header and blank rows do not count)
	MaxColumns   = 100
	maxCellBytes = 8 << 10 // a longer cell is cut here (the field's own check reports it)
)

// File formats.
const (
	FormatCSV  = "csv"
	FormatXLSX = "xlsx"
)

// Table is a decoded file: the header row and the data rows, cells as text.
type Table struct {
	Format   string // csv or xlsx
	Encoding string // csv: utf-8, gbk or utf-16
	Sheet    string // xlsx: the worksheet read
	Header   []string
	HeaderAt int   // row number of the header (1 unless blank rows come first)
	Rows     []Row // non-blank data rows, in file order
	Blank    int   // blank rows between the header and the last data row
}

// Row is one data row: Line is its number as a spreadsheet shows it (the header of a
// file without leading blank rows is row 1, the first data row 2).
type Row struct {
	Line  int
	Cells []string
}

// Problem reasons of a file that cannot be read at all; the console translates them
// (custimport.err.<reason>), the API shows the English message.
const (
	ReasonEmpty     = "empty"
	ReasonTooBig    = "too_big"
	ReasonTooMany   = "too_many_rows"
	ReasonColumns   = "too_many_columns"
	ReasonNotXLSX   = "not_xlsx"
	ReasonOldXLS    = "old_xls"
	ReasonNotText   = "not_text"
	ReasonBadCSV    = "bad_csv"
	ReasonFormat    = "format"
	ReasonNoColumns = "no_columns"
)

// Reasons are all the reasons of a FileError, for the console's texts.
var Reasons = []string{ReasonEmpty, ReasonTooBig, ReasonTooMany, ReasonColumns, ReasonNotXLSX, ReasonOldXLS, ReasonNotText,
	ReasonBadCSV, ReasonFormat, ReasonNoColumns}

// FileError is a whole-file problem: 400 invalid on the field "file", with a reason
// the console can translate.
type FileError struct {
	Reason string
	err    *siyu.Error
}

func (e *FileError) Error() string { return e.err.Error() }
func (e *FileError) Unwrap() error { return e.err }

func fileErr(reason, format string, args ...any) error {
	return &FileError{Reason: reason, err: siyu.Invalid("file", format, args...)}
}

// Reason returns the reason of a FileError in err's chain, "" for other errors.
func Reason(err error) string {
	var fe *FileError
	if errors.As(err, &fe) {
		return fe.Reason
	}
	return ""
}

var (
	zipMagic = []byte("PK\x03\x04")
	oleMagic = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}
)

// FormatOf picks the format of an upload: the format asked for, else the file name's
// extension, else what the content looks like. Content wins over the name where they
// disagree in a way that can only be a mislabelled file (a zip is never CSV).
func FormatOf(asked, filename string, data []byte) (string, error) {
	f := strings.ToLower(strings.TrimSpace(asked))
	if f == "" {
		switch strings.ToLower(path.Ext(filename)) {
		case ".xlsx", ".xlsm":
			f = FormatXLSX
		case ".csv", ".txt", ".tsv":
			f = FormatCSV
		case ".xls":
			return "", fileErr(ReasonOldXLS, "file: %s is an old Excel 97–2003 .xls workbook; save it as .xlsx or CSV (UTF-8) and upload again", filename)
		}
	}
	switch {
	case bytes.HasPrefix(data, oleMagic):
		return "", fileErr(ReasonOldXLS, "file: this is an old Excel 97–2003 .xls workbook (or an encrypted one); save it as .xlsx or CSV (UTF-8) and upload again")
	case bytes.HasPrefix(data, zipMagic):
		return FormatXLSX, nil
	case f == "":
		return FormatCSV, nil
	case f == FormatCSV || f == FormatXLSX:
		return f, nil
	}
	return "", fileErr(ReasonFormat, "format must be csv or xlsx, got %q", asked)
}

// Decode reads a whole upload of the given format (see FormatOf).
func Decode(format string, data []byte) (*Table, error) {
	if len(data) > MaxFileBytes {
		return nil, fileErr(ReasonTooBig, "file: %d bytes is more than the %d MB an import may have; split it", len(data), MaxFileBytes>>20)
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, fileErr(ReasonEmpty, "file: the file is empty")
	}
	switch format {
	case FormatCSV:
		return DecodeCSV(data)
	case FormatXLSX:
		return DecodeXLSX(data)
	}
	return nil, fileErr(ReasonFormat, "format must be csv or xlsx, got %q", format)
}

// tableBuilder collects rows from either decoder: it finds the header (the first
// non-blank row), skips blank rows, and enforces the row and column limits.
type tableBuilder struct{ t *Table }

func newTableBuilder(format string) *tableBuilder {
	return &tableBuilder{t: &Table{Format: format}}
}

// add takes row number line with its cells; it fails once the file is over a limit.
func (b *tableBuilder) add(line int, cells []string) error {
	blank := true
	for i, c := range cells {
		if len(c) > maxCellBytes {
			c = c[:maxCellBytes]
			for !utf8.ValidString(c) {
				c = c[:len(c)-1]
			}
		}
		cells[i] = strings.TrimSpace(c)
		if cells[i] != "" {
			blank = false
		}
	}
	switch {
	case blank:
		return nil
	case b.t.Header == nil:
		for len(cells) > 0 && cells[len(cells)-1] == "" {
			cells = cells[:len(cells)-1]
		}
		if len(cells) > MaxColumns {
			return fileErr(ReasonColumns, "file: the header row has %d columns; at most %d", len(cells), MaxColumns)
		}
		b.t.Header, b.t.HeaderAt = cells, line
		return nil
	}
	if len(b.t.Rows) >= MaxRows {
		return fileErr(ReasonTooMany, "file: more than %d rows; split the file and import the parts one after another", MaxRows)
	}
	if len(cells) > MaxColumns*4 { // keep the cells that can be reported, not a runaway row
		cells = cells[:MaxColumns*4]
	}
	b.t.Rows = append(b.t.Rows, Row{Line: line, Cells: cells})
	return nil
}

func (b *tableBuilder) done() (*Table, error) {
	if b.t.Header == nil {
		return nil, fileErr(ReasonEmpty, "file: no rows found; the first row must name the columns (姓名, 手机, 微信, 标签, 备注 …)")
	}
	if n := len(b.t.Rows); n > 0 {
		b.t.Blank = max(0, b.t.Rows[n-1].Line-b.t.HeaderAt-n) // CSV readers skip blank lines: count the gaps
	}
	return b.t, nil
}
