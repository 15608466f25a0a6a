package web

import (
	"net/http"
	"strings"

	"github.com/siyu-live/siyu"
	"github.com/siyu-live/siyu/internal/crm"
	"github.com/siyu-live/siyu/internal/crm/segment"
	"github.com/siyu-live/siyu/internal/live"
	"github.com/siyu-live/siyu/internal/org"
)

// builderTerms are the behaviour terms of docs/segments.md offered as one-click chips
// in the builder, each with its meaning (customers.term.<Key>).
var builderTerms = []struct{ Key, Text string }{
	{"buyer", "orders>=1"}, {"never_bought", "orders=0"}, {"spent", "spent>=500"}, {"watched", "watched>=10m"},
	{"active", "seen<7d"}, {"dormant", "seen>=30d"},
}

// builderData is the segment builder: the form, the syntax help and the live preview.
type builderData struct {
	Tabs     customerTabs
	CSRF     string
	S        *segment.Segment // nil while creating
	Form     *form
	Tags     []crm.Tag
	Channels []string
	Terms    []struct{ Key, Text string }
	Preview  previewData
}

// previewData is the live count and sample beside the rule box.
type previewData struct {
	Rule    string
	Count   int64
	Unknown []string
	Sample  []crm.Customer
	Err     *ruleError
	Masked  bool
}

func (c *Console) segmentNew(q *rq) error {
	if err := needCustomersManage(q); err != nil {
		return err
	}
	f := newForm(nil)
	f.Values.Set("rule", q.r.URL.Query().Get("rule"))
	return c.renderBuilder(q, http.StatusOK, nil, f)
}

func (c *Console) segmentEdit(q *rq) error {
	if err := needCustomersManage(q); err != nil {
		return err
	}
	s, err := c.pathSegment(q)
	if err != nil {
		return err
	}
	f := newForm(nil)
	f.Values.Set("name", s.Name)
	f.Values.Set("rule", s.Rule)
	f.Values.Set("description", s.Description)
	return c.renderBuilder(q, http.StatusOK, &s, f)
}

// renderBuilder shows the builder; a rule the service refused shows in the preview
// with the spot marked, its field saying so.
func (c *Console) renderBuilder(q *rq, status int, s *segment.Segment, f *form) error {
	tags, err := c.CRM.ListTags(q.r.Context(), q.p)
	if err != nil {
		return err
	}
	d := builderData{Tabs: tabsFor(q, "segments"), CSRF: q.csrf, S: s, Form: f, Tags: tags,
		Channels: append([]string{live.ChannelDirect}, live.Channels...), Terms: builderTerms}
	if d.Preview, err = c.preview(q, f.Get("rule")); err != nil {
		return err
	}
	title := "customers.builder.new"
	if s != nil {
		title = "customers.builder.edit"
	}
	q.render(status, "customers_builder", title, d)
	return nil
}

// preview counts a rule and reads its newest customers (masked, audited as a bulk
// view by the service); an unreadable rule is an answer too, with the spot marked.
func (c *Console) preview(q *rq, rule string) (previewData, error) {
	d := previewData{Rule: strings.TrimSpace(rule), Masked: !q.p.Can(org.PermContactsView)}
	if d.Rule == "" {
		return d, nil
	}
	p, err := c.Segments.Preview(q.r.Context(), q.p, segment.PreviewInput{Rule: rule})
	if siyu.ErrorCode(err) == siyu.EINVALID {
		d.Err = newRuleError(rule, err)
		return d, nil
	} else if err != nil {
		return d, err
	}
	d.Count, d.Unknown, d.Sample = p.Count, p.UnknownTags, p.Sample
	return d, nil
}

// segmentPreview answers the rule box as it is typed (htmx, debounced in the page).
func (c *Console) segmentPreview(q *rq) error {
	d, err := c.preview(q, q.r.PostFormValue("rule"))
	if err != nil {
		return err
	}
	q.fragment(http.StatusOK, "customers_builder", "seg_preview", d)
	return nil
}

func (c *Console) segmentCreate(q *rq) error {
	return c.saveSegment(q, nil)
}

func (c *Console) segmentSave(q *rq) error {
	id, err := pathID(q, "id")
	if err != nil {
		return err
	}
	return c.saveSegment(q, &id)
}

// saveSegment creates a segment (id nil) or changes one; a refusal comes back in the
// builder with the reason next to its field.
func (c *Console) saveSegment(q *rq, id *int64) error {
	f, err := managedForm(q, needCustomersManage)
	if err != nil {
		return err
	}
	name, rule, desc := f.Get("name"), f.Get("rule"), f.Get("description")
	ctx := q.r.Context()
	var s segment.Segment
	var cur *segment.Segment
	if id == nil {
		s, err = c.Segments.Create(ctx, q.p, segment.Input{Name: name, Rule: rule, Description: desc})
	} else {
		old, gerr := c.Segments.Get(ctx, q.p, *id)
		if gerr != nil {
			return gerr
		}
		cur = &old
		s, err = c.Segments.Update(ctx, q.p, *id, segment.Patch{Name: &name, Rule: &rule, Description: &desc})
	}
	if err == nil {
		q.redirect(segmentURL(s.ID), "flash.customers_segment_saved", s.Name)
		return nil
	}
	if code := siyu.ErrorCode(err); code != siyu.EINVALID && code != siyu.ECONFLICT {
		return err
	}
	switch field := siyu.ErrorField(err); field {
	case "rule":
		f.Errors["rule"] = c.tr(q.lang, "customers.rule.bad")
	case "description":
		f.Errors[field] = c.customerErr(q.lang, err)
	default:
		f.Errors["name"] = c.customerErr(q.lang, err)
	}
	return c.renderBuilder(q, http.StatusUnprocessableEntity, cur, f)
}
