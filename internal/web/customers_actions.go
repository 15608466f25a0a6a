package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/siyu-live/siyu"
	"github.com/siyu-live/siyu/internal/crm"
)

// customerAction is POST /console/customers/{id}: op names what to do (remark, tag,
// untag, merge, erase). Remark and tag changes answer htmx with the card they change;
// without htmx, and for merge and erase, the answer is the profile page again.
func (c *Console) customerAction(q *rq) error {
	if err := needCustomersManage(q); err != nil {
		return err
	}
	id, err := pathID(q, "id")
	if err != nil {
		return err
	}
	switch q.r.PostFormValue("op") {
	case "remark":
		return c.saveRemark(q, id)
	case "tag", "untag":
		return c.changeTags(q, id)
	case "merge":
		return c.mergeCustomer(q, id)
	case "erase":
		return c.eraseCustomer(q, id)
	}
	return siyu.Invalid("op", "op must be remark, tag, untag, merge or erase")
}

func isHX(q *rq) bool { return q.r.Header.Get("HX-Request") == "true" }

// saveRemark changes the remark (备注). A refused remark comes back in its form with
// the reason, what was typed kept.
func (c *Console) saveRemark(q *rq, id int64) error {
	remark := q.r.PostFormValue("remark")
	cust, err := c.CRM.Update(q.r.Context(), q.p, id, crm.CustomerPatch{Remark: &remark})
	if err != nil {
		if siyu.ErrorCode(err) != siyu.EINVALID && siyu.ErrorCode(err) != siyu.ECONFLICT {
			return err
		}
		d, rerr := c.reloadProfile(q, id)
		if rerr != nil {
			return rerr
		}
		d.EditNote = !d.C.Erased
		d.Remark.Values.Set("remark", remark)
		d.Remark.Errors["remark"] = c.customerErr(q.lang, err)
		if isHX(q) {
			q.fragment(http.StatusUnprocessableEntity, "customers_profile", "cust_remark", d)
			return nil
		}
		return c.renderProfile(q, http.StatusUnprocessableEntity, d)
	}
	if isHX(q) {
		d := c.profileBase(q, crm.Profile{Customer: cust})
		q.fragment(http.StatusOK, "customers_profile", "cust_remark", d)
		return nil
	}
	q.redirect(customerURL(cust.ID), "flash.customers_remark_saved", "")
	return nil
}

// splitTagNames reads the add box: several names separated by commas (either width),
// semicolons or spaces.
func splitTagNames(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool {
		return r == ',' || r == '，' || r == ';' || r == '；' || r == '、' || r == ' ' || r == '\t' || r == '\n' || r == '\r'
	})
}

// changeTags puts manual tags on (op tag, names in "tags") or takes one off (op untag,
// its name in "tag"). The answer to htmx is the tags card; a refusal (a rule tag's
// name, a bad name) shows in it.
func (c *Console) changeTags(q *rq, id int64) error {
	ctx := q.r.Context()
	var cust crm.Customer
	var err error
	typed := q.r.PostFormValue("tags")
	if q.r.PostFormValue("op") == "tag" {
		cust, err = c.CRM.AddTags(ctx, q.p, id, crm.TagsInput{Tags: splitTagNames(typed)})
	} else if err = c.CRM.RemoveTag(ctx, q.p, id, q.r.PostFormValue("tag")); err == nil {
		var prof crm.Profile
		prof, err = c.CRM.Get(ctx, q.p, id)
		cust = prof.Customer
	}
	if err != nil {
		code := siyu.ErrorCode(err)
		if code != siyu.EINVALID && code != siyu.ECONFLICT && !(code == siyu.ENOTFOUND && q.r.PostFormValue("op") == "untag") {
			return err
		}
		d, rerr := c.reloadProfile(q, id)
		if rerr != nil {
			return rerr
		}
		d.Tags.Err, d.Tags.Typed = c.customerErr(q.lang, err), typed
		if isHX(q) {
			if err := c.suggest(q, &d.Tags); err != nil {
				return err
			}
			q.fragment(http.StatusUnprocessableEntity, "customers_profile", "cust_tags", d.Tags)
			return nil
		}
		return c.renderProfile(q, http.StatusUnprocessableEntity, d)
	}
	if !isHX(q) {
		q.redirect(customerURL(cust.ID), "flash.customers_tags_saved", "")
		return nil
	}
	v := customerTagsView{ID: cust.ID, CSRF: q.csrf, Manage: true, Erased: cust.Erased}
	v.split(cust.Tags)
	if err := c.suggest(q, &v); err != nil {
		return err
	}
	q.fragment(http.StatusOK, "customers_profile", "cust_tags", v)
	return nil
}

// mergeTarget reads the merge box: a customer number (#123 or 123), or a phone number
// the other profile is known by.
func (c *Console) mergeTarget(q *rq, typed string) (int64, error) {
	s := strings.TrimPrefix(strings.TrimSpace(typed), "#")
	if s == "" {
		return 0, siyu.Invalid("customer_id", "customer_id names the profile to merge in")
	}
	if n, err := strconv.ParseInt(s, 10, 64); err == nil && n > 0 && len(s) < 11 {
		return n, nil
	}
	if _, err := crm.NormalizePhone(s); err != nil {
		return 0, siyu.Invalid("customer_id", "customer_id names the profile to merge in")
	}
	other, err := c.CRM.ByIdentity(q.r.Context(), q.p, crm.KindPhone, s)
	if siyu.ErrorCode(err) == siyu.ENOTFOUND {
		return 0, siyu.Invalid("customer_id", "no customer has this phone")
	}
	return other.ID, err
}

// mergeCustomer folds another profile into this one; the page then shows the merged
// profile with a message naming the one merged in.
func (c *Console) mergeCustomer(q *rq, id int64) error {
	typed := q.r.PostFormValue("other")
	other, err := c.mergeTarget(q, typed)
	if err == nil && other == id {
		err = siyu.Invalid("customer_id", "a customer cannot be merged into itself")
	}
	var cust crm.Customer
	if err == nil {
		cust, err = c.CRM.Merge(q.r.Context(), q.p, id, crm.MergeInput{CustomerID: other})
	}
	if err != nil {
		code := siyu.ErrorCode(err)
		if code != siyu.EINVALID && code != siyu.ECONFLICT {
			return err
		}
		d, rerr := c.reloadProfile(q, id)
		if rerr != nil {
			return rerr
		}
		d.MergeErr, d.Merge = c.mergeErr(q.lang, err), typed
		return c.renderProfile(q, http.StatusUnprocessableEntity, d)
	}
	q.redirect(customerURL(cust.ID), "flash.customers_merged", "#"+strconv.FormatInt(other, 10))
	return nil
}

// mergeErr words the refusals of the merge box.
func (c *Console) mergeErr(lang string, err error) string {
	msg := siyu.ErrorMessage(err)
	switch {
	case strings.Contains(msg, "merged into itself"):
		return c.tr(lang, "customers.err.merge_self")
	case strings.Contains(msg, "no customer has this phone"), strings.HasPrefix(msg, "customer ") && strings.HasSuffix(msg, "not found"):
		return c.tr(lang, "customers.err.merge_missing")
	}
	return c.customerErr(lang, err)
}

// eraseCustomer removes the customer's personal data on their request; the page then
// shows the erased profile.
func (c *Console) eraseCustomer(q *rq, id int64) error {
	cust, err := c.CRM.Erase(q.r.Context(), q.p, id)
	if err != nil {
		return err
	}
	q.redirect(customerURL(cust.ID), "flash.customers_erased", "")
	return nil
}
