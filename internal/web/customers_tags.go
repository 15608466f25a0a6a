package web

import (
	"net/http"
	"strings"

	"github.com/siyu-live/siyu"
	"github.com/siyu-live/siyu/internal/crm"
	"github.com/siyu-live/siyu/internal/org"
)

// ruleExample is a ready-made rule tag from docs/crm-rules.md; its name and what it
// means are catalog texts (customers.example.<Key>.name / .desc).
type ruleExample struct {
	Key  string
	Rule string
}

var ruleExamples = []ruleExample{
	{"watched_no_buy", "watch_minutes >= 10 AND orders = 0"},
	{"no_show", "no_shows >= 1"},
	{"month_500", "spent_30d >= 500元"},
	{"big_basket", "avg_order >= 300元"},
	{"silent", "sessions >= 3 AND comments = 0 AND orders = 0"},
	{"returning", "orders_90d >= 2 OR spent_90d >= 2000元"},
}

// ruleMetrics are the metrics a rule tag reads, listed with their meaning
// (customers.metric.<name>) beside the rule box.
var ruleMetrics = []string{"watch_minutes", "sessions", "comments", "gifts", "orders", "spent", "avg_order",
	"reservations", "no_shows", "orders_30d", "spent_30d"}

// tagsPageData is the 标签 page: both kinds of tags with how many carry each, and the
// forms that create them.
type tagsPageData struct {
	Tabs       customerTabs
	CSRF       string
	Manage     bool
	Manual     []crm.Tag
	Rule       []crm.Tag
	ManualForm *form
	RuleForm   *form
	RuleErr    *ruleError
	Examples   []ruleExample
	Metrics    []string
}

func (c *Console) tagsPage(q *rq) error {
	return c.renderTags(q, http.StatusOK, newForm(nil), newForm(nil), nil)
}

func (c *Console) renderTags(q *rq, status int, manual, rule *form, rerr *ruleError) error {
	tags, err := c.CRM.ListTags(q.r.Context(), q.p)
	if err != nil {
		return err
	}
	d := tagsPageData{Tabs: tabsFor(q, "tags"), CSRF: q.csrf, Manage: q.p.Can(org.PermCustomersManage), ManualForm: manual,
		RuleForm: rule, RuleErr: rerr, Examples: ruleExamples, Metrics: ruleMetrics}
	for _, t := range tags {
		if t.Kind == crm.TagRule {
			d.Rule = append(d.Rule, t)
		} else {
			d.Manual = append(d.Manual, t)
		}
	}
	q.render(status, "customers_tags", "customers.tags.title", d)
	return nil
}

// tagCreate creates a manual tag or, with kind rule, a rule tag; a refused form comes
// back filled in, a bad rule with the spot marked.
func (c *Console) tagCreate(q *rq) error {
	f, err := managedForm(q, needCustomersManage)
	if err != nil {
		return err
	}
	in := crm.TagInput{Name: f.Get("name"), Description: f.Get("description"), Kind: crm.TagManual}
	if f.Get("kind") == crm.TagRule {
		in.Kind, in.Rule = crm.TagRule, f.Get("rule")
	}
	t, err := c.CRM.CreateTag(q.r.Context(), q.p, in)
	if err == nil {
		q.redirect("/console/customers/tags", "flash.customers_tag_created", t.Name)
		return nil
	}
	if code := siyu.ErrorCode(err); code != siyu.EINVALID && code != siyu.ECONFLICT {
		return err
	}
	field := siyu.ErrorField(err)
	var rerr *ruleError
	if field == "rule" {
		rerr = newRuleError(strings.TrimSpace(in.Rule), err)
	} else {
		if field != "description" {
			field = "name"
		}
		f.Errors[field] = c.customerErr(q.lang, err)
	}
	if in.Kind == crm.TagRule {
		if rerr != nil {
			f.Errors["rule"] = c.tr(q.lang, "customers.rule.bad")
		}
		return c.renderTags(q, http.StatusUnprocessableEntity, newForm(nil), f, rerr)
	}
	return c.renderTags(q, http.StatusUnprocessableEntity, f, newForm(nil), nil)
}

// tagRuleCheck answers the rule box as it is typed (htmx): whether the rule reads, and
// where it stops reading when it does not. Nothing is saved.
func (c *Console) tagRuleCheck(q *rq) error {
	rule := strings.TrimSpace(q.r.PostFormValue("rule"))
	d := struct {
		Rule string
		Err  *ruleError
	}{}
	if rule != "" {
		r, err := crm.ParseRule(rule)
		if err != nil {
			if siyu.ErrorCode(err) != siyu.EINVALID {
				return err
			}
			d.Err = newRuleError(rule, err)
		} else {
			d.Rule = r.String()
		}
	}
	q.fragment(http.StatusOK, "customers_tags", "tag_rule_check", d)
	return nil
}
