package transfer

import (
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/unicode"
)

// Text encodings a CSV is read in.
const (
	EncodingUTF8  = "utf-8"
	EncodingGBK   = "gbk" // GB18030, the superset Chinese Excel writes as "CSV"
	EncodingUTF16 = "utf-16"
)

// DecodeCSV reads a CSV file as Excel and WPS save it: UTF-8 with or without a byte
// order mark, GBK (Chinese Excel's "CSV (逗号分隔)"), or UTF-16 with a byte order mark
// ("Unicode 文本", tab-separated). The separator is whichever of comma, semicolon and
// tab the header row uses most.
func DecodeCSV(data []byte) (*Table, error) {
	text, enc, err := toUTF8(data)
	if err != nil {
		return nil, err
	}
	r := csv.NewReader(bytes.NewReader(text))
	r.Comma = sniffComma(text)
	r.FieldsPerRecord = -1
	r.LazyQuotes = true
	b := newTableBuilder(FormatCSV)
	b.t.Encoding = enc
	embedded := 0 // line breaks inside quoted cells so far: Excel shows such a record as one row
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return nil, fileErr(ReasonBadCSV, "file: not a readable CSV at line %d: %v", pe.StartLine, pe.Err)
			}
			return nil, fileErr(ReasonBadCSV, "file: not a readable CSV: %v", err)
		}
		line, _ := r.FieldPos(0)
		line -= embedded
		for _, c := range rec {
			embedded += strings.Count(c, "\n")
		}
		if err := b.add(line, rec); err != nil {
			return nil, err
		}
	}
	return b.done()
}

var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

// toUTF8 converts the file to UTF-8 text and names the encoding it was in.
func toUTF8(data []byte) ([]byte, string, error) {
	switch {
	case bytes.HasPrefix(data, utf8BOM):
		data = data[len(utf8BOM):]
		if !utf8.Valid(data) {
			return nil, "", fileErr(ReasonNotText, "file: starts as UTF-8 text but is not; save it again as CSV UTF-8")
		}
		return data, EncodingUTF8, nil
	case bytes.HasPrefix(data, []byte{0xFF, 0xFE}), bytes.HasPrefix(data, []byte{0xFE, 0xFF}):
		out, err := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewDecoder().Bytes(data)
		if err != nil {
			return nil, "", fileErr(ReasonNotText, "file: not readable UTF-16 text; save it as CSV UTF-8")
		}
		return out, EncodingUTF16, nil
	}
	if bytes.IndexByte(data, 0) >= 0 {
		return nil, "", fileErr(ReasonNotText, "file: binary data, not CSV text; upload a .csv or .xlsx file")
	}
	if utf8.Valid(data) {
		return data, EncodingUTF8, nil
	}
	out, err := simplifiedchinese.GB18030.NewDecoder().Bytes(data)
	if err != nil || !utf8.Valid(out) {
		return nil, "", fileErr(ReasonNotText, "file: neither UTF-8 nor GBK text; save it as CSV UTF-8")
	}
	return out, EncodingGBK, nil
}

// sniffComma picks the separator the first line uses most, outside quotes.
func sniffComma(text []byte) rune {
	counts := map[rune]int{}
	quoted := false
	for _, c := range text {
		if c == '"' {
			quoted = !quoted
		}
		if quoted {
			continue
		}
		if c == '\n' {
			break
		}
		if c == ',' || c == ';' || c == '\t' {
			counts[rune(c)]++
		}
	}
	best := ','
	for _, c := range []rune{'\t', ';'} {
		if counts[c] > counts[best] {
			best = c
		}
	}
	return best
}
