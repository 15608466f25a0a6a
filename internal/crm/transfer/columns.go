package transfer

import (
	"strings"
	"unicode"
)

// Fields a column can fill.
const (
	FieldName    = "name"
	FieldPhone   = "phone"
	FieldOpenID  = "wechat_openid"
	FieldUnionID = "wechat_unionid"
	FieldTags    = "tags"
	FieldRemark  = "remark"
	FieldSource  = "source"
)

// Fields lists the importable fields in the order templates and exports show them.
var Fields = []string{FieldName, FieldPhone, FieldOpenID, FieldUnionID, FieldTags, FieldRemark, FieldSource}

// headerAliases maps a normalised header (see normHeader) to its field: the Chinese
// and English names merchants' spreadsheets and CRM exports use.
var headerAliases = map[string]string{}

func init() {
	for field, names := range map[string][]string{
		FieldName: {"姓名", "名字", "客户", "客户名", "客户名称", "客户姓名", "昵称", "称呼", "联系人",
			"name", "fullname", "customer", "customername", "nickname", "contact"},
		FieldPhone: {"手机", "手机号", "手机号码", "电话", "电话号码", "联系电话", "联系方式", "移动电话",
			"phone", "mobile", "tel", "telephone", "phonenumber", "mobilephone", "cellphone", "cell"},
		FieldOpenID:  {"微信", "openid", "微信openid", "wechatopenid", "wechat", "wxopenid", "公众号openid"},
		FieldUnionID: {"unionid", "微信unionid", "wechatunionid", "wxunionid"},
		FieldTags:    {"标签", "客户标签", "tags", "tag", "labels", "label"},
		FieldRemark:  {"备注", "说明", "备注信息", "remark", "remarks", "note", "notes", "comment", "memo"},
		FieldSource:  {"来源", "渠道", "来源渠道", "客户来源", "source", "channel", "origin"},
	} {
		for _, n := range names {
			headerAliases[normHeader(n)] = field
		}
	}
}

// normHeader folds the ways one header is written: case, spaces, underscores, dashes,
// a required-field star and a bracketed hint ("手机号（必填）", "Phone *").
func normHeader(h string) string {
	h = strings.ToLower(strings.TrimSpace(h))
	for _, open := range []string{"（", "("} {
		if i := strings.Index(h, open); i > 0 {
			h = h[:i]
		}
	}
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) || strings.ContainsRune("_-*:：.", r) {
			return -1
		}
		return r
	}, h)
}

// Column is one column of the file's header and the field it fills; Field is empty for
// a column that is not imported (unknown, or a second column for a field already
// taken), with Note saying which.
type Column struct {
	Index  int    `json:"index"` // 0-based
	Header string `json:"header"`
	Field  string `json:"field,omitempty"`
	Note   string `json:"note,omitempty"` // unknown | duplicate | empty
}

// mapColumns reads the header row. Unknown columns are reported, never fatal; a file
// with no column that can name or identify a customer is.
func mapColumns(header []string) ([]Column, map[string]int, error) {
	cols := make([]Column, len(header))
	at := map[string]int{}
	for i, h := range header {
		cols[i] = Column{Index: i, Header: h}
		field, ok := headerAliases[normHeader(h)]
		switch {
		case strings.TrimSpace(h) == "":
			cols[i].Note = "empty"
		case !ok:
			cols[i].Note = "unknown"
		default:
			if _, dup := at[field]; dup {
				cols[i].Note = "duplicate"
				continue
			}
			at[field] = i
			cols[i].Field = field
		}
	}
	for _, f := range []string{FieldName, FieldPhone, FieldOpenID, FieldUnionID} {
		if _, ok := at[f]; ok {
			return cols, at, nil
		}
	}
	return nil, nil, fileErr(ReasonNoColumns, "file: the first row names no column Siyu knows a customer by; "+
		"it needs at least one of 姓名/name, 手机/phone, 微信/openid, unionid (found: %s)", strings.Join(header, ", "))
}

// UnknownColumns lists the headers of the columns that are not imported.
func UnknownColumns(cols []Column) []string {
	out := []string{}
	for _, c := range cols {
		if c.Field == "" && c.Header != "" {
			out = append(out, c.Header)
		}
	}
	return out
}
