package transfer

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/siyu-live/siyu"
	"github.com/siyu-live/siyu/internal/crm"
)

// Row plan statuses (what confirming will do) and results (what it did).
const (
	StatusNew   = "new"   // a customer will be created
	StatusMerge = "merge" // the row is an existing customer, or an earlier row of the file
	StatusError = "error" // the row is skipped on confirm

	ResultCreated = "created"
	ResultMerged  = "merged"
	ResultFailed  = "failed"  // the CRM refused the row when it was applied
	ResultSkipped = "skipped" // an error row, not applied
)

// Issue levels.
const (
	LevelError = "error" // the row is skipped
	LevelNote  = "note"  // the row is imported; worth knowing
)

// Issue codes; the console translates custimport.issue.<code> with Arg.
const (
	IssueNoIdentity  = "no_identity"   // no name and nothing to know the customer by
	IssueNameLong    = "name_long"     // name over crm.MaxName
	IssuePhone       = "phone"         // not a phone number
	IssuePhoneSci    = "phone_sci"     // Excel turned the number into 1.38E+10
	IssueOpenID      = "openid"        // malformed WeChat openid
	IssueUnionID     = "unionid"       // malformed WeChat unionid
	IssueTag         = "tag"           // not a valid tag name
	IssueTagsMany    = "tags_many"     // more than crm.MaxTagsPerCall tags
	IssueRuleTag     = "rule_tag"      // a rule tag, left out (its rule decides)
	IssueRemarkLong  = "remark_long"   // remark over crm.MaxRemark
	IssueSource      = "source"        // unknown source, "import" used
	IssueExtraCells  = "extra_cells"   // more values than the header has columns
	IssueNoName      = "no_name"       // no name: the existing one is kept, or a placeholder used
	IssueSameAsRow   = "same_as_row"   // the same person as an earlier row: merged
	IssueExisting    = "existing"      // merges into existing customer #Arg
	IssueApplyFailed = "apply_refused" // the CRM refused the row on confirm
)

// IssueCodes are all the issue codes, for the console's texts.
var IssueCodes = []string{IssueNoIdentity, IssueNameLong, IssuePhone, IssuePhoneSci, IssueOpenID, IssueUnionID, IssueTag,
	IssueTagsMany, IssueRuleTag, IssueRemarkLong, IssueSource, IssueExtraCells, IssueNoName, IssueSameAsRow, IssueExisting,
	IssueApplyFailed}

// Issue is one finding about a row: which column (as headed in the file), how bad, and
// what. Arg is the value the message is about (a tag, a row number, a customer id).
type Issue struct {
	Column  string `json:"column,omitempty"`
	Level   string `json:"level"`
	Code    string `json:"code"`
	Message string `json:"message"`
	Arg     string `json:"arg,omitempty"`
}

// plan is one data row after checking: what Create will be called with.
type plan struct {
	Line    int
	Status  string
	Name    string
	Phone   string
	OpenID  string
	UnionID string
	Tags    []string
	Remark  string
	Source  string
	Issues  []Issue
	Same    int   // an earlier row of the file with the same person
	Target  int64 // the existing customer the row merges into
	Result  string
	Created int64 // the customer the row became
}

func (p *plan) add(col, level, code, arg, format string, args ...any) {
	p.Issues = append(p.Issues, Issue{Column: col, Level: level, Code: code, Arg: arg, Message: fmt.Sprintf(format, args...)})
	if level == LevelError {
		p.Status = StatusError
	}
}

func (p *plan) identities() []identity {
	var out []identity
	for _, id := range []identity{{crm.KindPhone, p.Phone}, {crm.KindWechatOpenID, p.OpenID}, {crm.KindWechatUnionID, p.UnionID}} {
		if id.value != "" {
			out = append(out, id)
		}
	}
	return out
}

type identity struct{ kind, value string }

// checker checks rows against the mapped columns and the tenant's rule tags.
type checker struct {
	cols     []Column
	at       map[string]int
	ruleTags map[string]bool
}

var (
	sciRe    = regexp.MustCompile(`^[0-9](\.[0-9]+)?[eE]\+?[0-9]+$`)
	sourceOK = regexp.MustCompile(`^[a-z0-9_]{1,32}$`)
)

// sourceAliases are the channel names merchants write in Chinese.
var sourceAliases = map[string]string{
	"抖音": "douyin", "快手": "kuaishou", "微信": "wechat", "视频号": "channels", "小红书": "xiaohongshu",
	"淘宝": "taobao", "天猫": "tmall", "京东": "jd", "拼多多": "pinduoduo", "微博": "weibo", "公众号": "wechat_mp",
	"朋友圈": "moments", "社群": "community", "企业微信": "wecom", "直播": "live", "线下": "offline", "门店": "offline",
	"地推": "offline", "广告": "ad", "投流": "ad", "转介绍": "referral", "老客推荐": "referral", "导入": "import", "其他": "other",
}

// SourceImport is the first-touch source of a customer an import creates without one.
const SourceImport = "import"

func (c *checker) cell(r Row, field string) (string, string) {
	i, ok := c.at[field]
	if !ok {
		return "", ""
	}
	if i >= len(r.Cells) {
		return "", c.cols[i].Header
	}
	return r.Cells[i], c.cols[i].Header
}

// check turns one data row into a plan with its issues.
func (c *checker) check(r Row) *plan {
	p := &plan{Line: r.Line, Status: StatusNew}
	if n := len(c.cols); len(r.Cells) > n {
		extra := 0
		for _, v := range r.Cells[n:] {
			if v != "" {
				extra++
			}
		}
		if extra > 0 {
			p.add("", LevelError, IssueExtraCells, strconv.Itoa(len(r.Cells)), "the row has values in %d more columns than the header names; "+
				"a separator inside a cell? (quote it, or give the column a header)", extra)
		}
	}
	name, col := c.cell(r, FieldName)
	if utf8.RuneCountInString(name) > crm.MaxName {
		p.add(col, LevelError, IssueNameLong, strconv.Itoa(crm.MaxName), "name is longer than %d characters", crm.MaxName)
	}
	p.Name = name
	c.checkPhone(p, r)
	for _, f := range []struct {
		field, code string
		dst         *string
	}{{FieldOpenID, IssueOpenID, &p.OpenID}, {FieldUnionID, IssueUnionID, &p.UnionID}} {
		v, col := c.cell(r, f.field)
		if v == "" {
			continue
		}
		if utf8.RuneCountInString(v) > 128 || strings.ContainsAny(v, " \t\r\n") {
			p.add(col, LevelError, f.code, "", "%s must be 1–128 characters without spaces", f.field)
			continue
		}
		*f.dst = v
	}
	if p.Name == "" && len(p.identities()) == 0 && p.Status != StatusError {
		p.add("", LevelError, IssueNoIdentity, "", "no name and no phone, WeChat openid or unionid: nothing to know the customer by")
	}
	c.checkTags(p, r)
	remark, col := c.cell(r, FieldRemark)
	if utf8.RuneCountInString(remark) > crm.MaxRemark {
		p.add(col, LevelError, IssueRemarkLong, strconv.Itoa(crm.MaxRemark), "remark is longer than %d characters", crm.MaxRemark)
	}
	p.Remark = remark
	c.checkSource(p, r)
	return p
}

func (c *checker) checkPhone(p *plan, r Row) {
	v, col := c.cell(r, FieldPhone)
	if v == "" {
		return
	}
	if sciRe.MatchString(v) {
		p.add(col, LevelError, IssuePhoneSci, v, "phone %q was turned into scientific notation by Excel and its digits are lost; "+
			"format the column as text and export again", v)
		return
	}
	if d, ok := strings.CutSuffix(v, ".0"); ok && strings.Trim(d, "0123456789") == "" {
		v = d // a number cell written by a script as 13800138000.0
	}
	if len(v) >= 5 && len(v) <= 20 && len(v) != 15 && strings.Trim(v, "0123456789") == "" {
		p.Phone = v // already what crm.NormalizePhone makes of it (it only strips 0086 from 15 digits)
		return
	}
	phone, err := crm.NormalizePhone(v)
	if err != nil {
		p.add(col, LevelError, IssuePhone, v, "%q is not a phone number: %s", v, siyu.ErrorMessage(err))
		return
	}
	p.Phone = phone
}

// tagSeps are the separators a tags cell may use.
var tagSeps = func(r rune) bool { return strings.ContainsRune(",，;；、|｜\n", r) }

func (c *checker) checkTags(p *plan, r Row) {
	v, col := c.cell(r, FieldTags)
	seen := map[string]bool{}
	for _, t := range strings.FieldsFunc(v, tagSeps) {
		t = strings.TrimSpace(t)
		if t == "" || seen[t] {
			continue
		}
		seen[t] = true
		name, err := crm.CheckTagName("tags", t)
		switch {
		case err != nil:
			p.add(col, LevelError, IssueTag, t, "%s", siyu.ErrorMessage(err))
		case c.ruleTags[name]:
			p.add(col, LevelNote, IssueRuleTag, name, "%q is a rule tag: its rule puts it on, so the import leaves it out", name)
		default:
			p.Tags = append(p.Tags, name)
		}
	}
	if len(p.Tags) > crm.MaxTagsPerCall {
		p.add(col, LevelError, IssueTagsMany, strconv.Itoa(crm.MaxTagsPerCall), "%d tags; at most %d per customer in one import",
			len(p.Tags), crm.MaxTagsPerCall)
	}
}

func (c *checker) checkSource(p *plan, r Row) {
	v, col := c.cell(r, FieldSource)
	p.Source = SourceImport
	if v == "" {
		return
	}
	s := strings.ToLower(strings.Join(strings.Fields(v), "_"))
	if alias, ok := sourceAliases[v]; ok {
		s = alias
	}
	if !sourceOK.MatchString(s) {
		p.add(col, LevelNote, IssueSource, v, "source %q is not a channel code (lowercase letters, digits, _); %q is recorded instead",
			v, SourceImport)
		return
	}
	p.Source = s
}

// linkRows marks rows that are the same person as an earlier row of the file (sharing a
// phone, openid or unionid): confirming merges them, as creating them one by one would.
// Error rows take no part: they are skipped.
func linkRows(plans []*plan) {
	first := map[identity]int{} // identity → index of the earliest row carrying it
	for i, p := range plans {
		if p.Status == StatusError {
			continue
		}
		ids := p.identities()
		same := -1
		for _, id := range ids {
			if j, ok := first[id]; ok && (same < 0 || j < same) {
				same = j
			}
		}
		for _, id := range ids {
			if _, ok := first[id]; !ok {
				first[id] = i
				if same >= 0 {
					first[id] = same
				}
			}
		}
		if same >= 0 {
			p.Same = plans[same].Line
			p.Status = StatusMerge
			p.add("", LevelNote, IssueSameAsRow, strconv.Itoa(p.Same), "the same person as row %d: merged into one customer", p.Same)
		}
	}
}
