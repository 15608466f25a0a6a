package web

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/siyu-live/siyu"
	"github.com/siyu-live/siyu/internal/crm/community"
)

// The 社群 actions check customers.manage before reading the form, as the API's routes
// do; the service checks it again (and the manager rule for envelopes and chains).

// communityPost parses a group action's id and form.
func communityPost(q *rq) (int64, *form, error) { return itemForm(q, canManageCommunities) }

// formFailed records an invalid-input error on f and reports true; other errors are
// left to the caller.
func (c *Console) formFailed(q *rq, f *form, scope string, err error, fields ...string) bool {
	if siyu.ErrorCode(err) != siyu.EINVALID {
		return false
	}
	f.fail(c, q.lang, scope, err, fields...)
	return true
}

// communitySettings saves the settings form (name, avatar, join mode).
func (c *Console) communitySettings(q *rq) error {
	return c.communityUpdate(q, "flash.community.saved", func(f *form) (community.Patch, communityForms, []string) {
		return community.Patch{Name: ptrTo(f.Get("name")), AvatarURL: ptrTo(f.Get("avatar_url")), JoinMode: ptrTo(f.Get("join_mode"))},
			communityForms{Settings: f}, communityFormFields
	})
}

// communityAnnouncement posts the announcement (公告).
func (c *Console) communityAnnouncement(q *rq) error {
	return c.communityUpdate(q, "flash.community.announced", func(f *form) (community.Patch, communityForms, []string) {
		return community.Patch{Announcement: ptrTo(f.Get("announcement"))}, communityForms{Announce: f}, []string{"announcement"}
	})
}

// communityUpdate saves a patch read from a form of the overview, which comes back
// with its errors when the service refuses a field.
func (c *Console) communityUpdate(q *rq, flash string, read func(f *form) (community.Patch, communityForms, []string)) error {
	id, f, err := communityPost(q)
	if err != nil {
		return err
	}
	patch, forms, fields := read(f)
	_, err = c.Communities.Update(q.r.Context(), q.p, id, patch)
	if c.formFailed(q, f, "community", err, fields...) {
		return c.renderCommunity(q, id, "overview", http.StatusUnprocessableEntity, forms)
	} else if err != nil {
		return err
	}
	q.redirect(communityURL(id, ""), flash, "")
	return nil
}

// communityLive links the chosen session, or unlinks with none chosen.
func (c *Console) communityLive(q *rq) error {
	id, f, err := communityPost(q)
	if err != nil {
		return err
	}
	sid, _ := strconv.ParseInt(strings.TrimSpace(f.Get("session_id")), 10, 64)
	if sid <= 0 {
		_, err = c.Communities.ClearLive(q.r.Context(), q.p, id)
	} else {
		_, err = c.Communities.SetLive(q.r.Context(), q.p, id, community.LiveInput{SessionID: sid})
	}
	if siyu.ErrorCode(err) == siyu.EINVALID {
		return c.renderCommunity(q, id, "overview", http.StatusUnprocessableEntity,
			communityForms{LiveErr: c.errText(q.lang, "community", err)})
	} else if err != nil {
		return err
	}
	q.redirect(communityURL(id, "")+"#live", "flash.community.live", "")
	return nil
}

func (c *Console) communityManagers(q *rq) error {
	id, f, err := communityPost(q)
	if err != nil {
		return err
	}
	var ids []int64
	for _, v := range f.Values["user_id"] {
		if n, err := strconv.ParseInt(v, 10, 64); err == nil && n > 0 {
			ids = append(ids, n)
		}
	}
	if _, err := c.Communities.SetManagers(q.r.Context(), q.p, id, community.ManagersInput{UserIDs: ids}); err != nil {
		return err
	}
	q.redirect(communityURL(id, "")+"#managers", "flash.community.managers", "")
	return nil
}

// communityMembersAdd adds customers by their numbers (#12 or 12, separated by spaces,
// commas or lines) or, with none typed, everyone a tag rule holds for.
func (c *Console) communityMembersAdd(q *rq) error {
	id, f, err := communityPost(q)
	if err != nil {
		return err
	}
	var in community.MembersInput
	raw := strings.FieldsFunc(f.Get("customer_ids"), func(r rune) bool {
		return r == ',' || r == '，' || r == ' ' || r == '\n' || r == '\r' || r == '\t' || r == '、'
	})
	for _, s := range raw {
		n, err := strconv.ParseInt(strings.TrimPrefix(s, "#"), 10, 64)
		if err != nil || n <= 0 {
			f.Errors["customer_ids"] = q.t("community.err.ids", s)
			return c.renderCommunity(q, id, "members", http.StatusUnprocessableEntity, communityForms{Member: f})
		}
		in.CustomerIDs = append(in.CustomerIDs, n)
	}
	if len(in.CustomerIDs) == 0 {
		in.Rule = f.Get("rule")
	}
	res, err := c.Communities.AddMembers(q.r.Context(), q.p, id, in)
	if c.formFailed(q, f, "community", err, "customer_ids", "rule") {
		return c.renderCommunity(q, id, "members", http.StatusUnprocessableEntity, communityForms{Member: f})
	} else if err != nil {
		return err
	}
	q.redirect(communityURL(id, "members"), "flash.community.members_added", strconv.FormatInt(res.Added, 10))
	return nil
}

// communityMemberRemove takes a member out of the group.
func (c *Console) communityMemberRemove(q *rq) error {
	return c.communityItem(q, "members", "flash.community.member_removed", func(id, cid int64) error {
		return c.Communities.RemoveMember(q.r.Context(), q.p, id, cid)
	})
}

// communityItem runs an action on one item ({cid}: a member, a chain) of a group and
// returns to the tab with a one-time message.
func (c *Console) communityItem(q *rq, tab, flash string, act func(id, cid int64) error) error {
	id, _, err := communityPost(q)
	if err != nil {
		return err
	}
	cid, err := pathID(q, "cid")
	if err != nil {
		return err
	}
	if err := act(id, cid); err != nil {
		return err
	}
	q.redirect(communityURL(id, tab), flash, "")
	return nil
}

// envelopeFields are the inputs of the send form.
var envelopeFields = []string{"total", "count", "mode", "message", "expires_in_seconds"}

// communityEnvelopeSend sends a red envelope: the total typed in yuan, the expiry in
// hours (blank for the brand's setting).
func (c *Console) communityEnvelopeSend(q *rq) error {
	id, f, err := communityPost(q)
	if err != nil {
		return err
	}
	rerender := func() error {
		return c.renderCommunity(q, id, "envelopes", http.StatusUnprocessableEntity, communityForms{Env: f})
	}
	in := community.EnvelopeInput{Mode: f.Get("mode"), Message: f.Get("message")}
	total, key := yuanFen(f.Get("total"))
	if key != "" {
		f.Errors["total"] = q.t("community.err.total")
		return rerender()
	}
	in.Total = total
	if in.Count, err = strconv.ParseInt(strings.TrimSpace(f.Get("count")), 10, 64); err != nil {
		f.Errors["count"] = q.t("community.err.count")
		return rerender()
	}
	if h := strings.TrimSpace(f.Get("hours")); h != "" {
		n, err := strconv.ParseInt(h, 10, 64)
		if err != nil || n < 1 || n > 168 {
			f.Errors["hours"] = q.t("community.err.hours")
			return rerender()
		}
		in.ExpiresInSeconds = n * 3600
	}
	e, err := c.Communities.SendEnvelope(q.r.Context(), q.p, id, in)
	if c.formFailed(q, f, "community_envelope", err, envelopeFields...) {
		if msg, ok := f.Errors["expires_in_seconds"]; ok {
			f.Errors["hours"] = msg
		}
		return rerender()
	} else if err != nil {
		return err
	}
	q.redirect(communityURL(id, "envelopes")+"&envelope="+strconv.FormatInt(e.ID, 10), "flash.community.envelope_sent", "¥"+fenText(e.Total))
	return nil
}

// chainFields are the inputs of the open form.
var chainFields = []string{"title", "template", "max_entries", "deadline"}

func (c *Console) communityChainOpen(q *rq) error {
	id, f, err := communityPost(q)
	if err != nil {
		return err
	}
	rerender := func() error {
		return c.renderCommunity(q, id, "chains", http.StatusUnprocessableEntity, communityForms{Chain: f})
	}
	in := community.ChainInput{Title: f.Get("title"), Template: f.Get("template")}
	if m := strings.TrimSpace(f.Get("max_entries")); m != "" {
		if in.MaxEntries, err = strconv.ParseInt(m, 10, 64); err != nil {
			f.Errors["max_entries"] = q.t("community.err.max_entries")
			return rerender()
		}
	}
	if d := strings.TrimSpace(f.Get("deadline")); d != "" {
		t, err := time.ParseInLocation(localInput, d, shanghai)
		if err != nil {
			f.Errors["deadline"] = q.t("community.err.deadline")
			return rerender()
		}
		in.Deadline = t.Format(time.RFC3339)
	}
	_, err = c.Communities.OpenChain(q.r.Context(), q.p, id, in)
	if c.formFailed(q, f, "community_chain", err, chainFields...) {
		return rerender()
	} else if err != nil {
		return err
	}
	q.redirect(communityURL(id, "chains"), "flash.community.chain_opened", in.Title)
	return nil
}

// communityChainClose closes a 接龙; its lines stay, read-only.
func (c *Console) communityChainClose(q *rq) error {
	return c.communityItem(q, "chains", "flash.community.chain_closed", func(id, cid int64) error {
		_, err := c.Communities.CloseChain(q.r.Context(), q.p, id, cid)
		return err
	})
}

func (c *Console) communityDelete(q *rq) error {
	id, _, err := communityPost(q)
	if err != nil {
		return err
	}
	cm, err := c.Communities.Get(q.r.Context(), q.p, id)
	if err != nil {
		return err
	}
	if err := c.Communities.Delete(q.r.Context(), q.p, id); err != nil {
		return err
	}
	q.redirect("/console/communities", "flash.community.deleted", cm.Name)
	return nil
}

func ptrTo(s string) *string { return &s }
