package web

import (
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/siyu-live/siyu"
	"github.com/siyu-live/siyu/internal/org"
)

// settingGroups arranges the rule thresholds by the part of SPEC.md they belong to.
// A setting added later in org.Settings but not listed here lands in "other", so it
// is never missing from the form.
var settingGroups = []struct {
	Key  string
	Keys []string
}{
	{"live", []string{"goods_permission_broadcasts", "goods_permission_viewers", "goods_permission_minutes",
		"new_host_minutes", "new_host_exposure_credits", "weekly_top_n", "weekly_top_exposure", "large_gift_fen"}},
	{"tools", []string{"lottery_draw_delay_seconds", "personal_lotteries_per_month", "order_expiry_minutes"}},
	{"org", []string{"inbox_ad_spend_fen", "kos_min_stores", "enterprise_fee_fen", "reach_throttle_per_minute"}},
}

// settingField is one number input.
type settingField struct {
	Key     string
	Label   string
	Min     int
	Max     int
	Value   string // as typed, so a rejected value comes back unchanged
	Default int
	Fen     bool // an amount in fen: the page shows it in yuan as well
	Err     string
}

// settingGroup is a titled block of the settings form.
type settingGroup struct {
	Key    string
	Fields []settingField
}

// settingsData is the settings page.
type settingsData struct {
	Groups []settingGroup
	Manage bool
	Error  string
}

// settingsGroups lays out s, with typed values and errors when re-rendering a form.
func (q *rq) settingsGroups(s org.Settings, typed map[string]string, errs map[string]string) []settingGroup {
	defaults := map[string]int{}
	for _, f := range org.DefaultSettings().Fields() {
		defaults[f.Key] = f.Value
	}
	byGroup := map[string][]settingField{}
	for _, f := range s.Fields() {
		label := f.Zh
		if q.lang == langEn {
			label = f.En
		}
		v, ok := typed[f.Key]
		if !ok {
			v = strconv.Itoa(f.Value)
		}
		g := "other"
		for _, sg := range settingGroups {
			if slices.Contains(sg.Keys, f.Key) {
				g = sg.Key
			}
		}
		byGroup[g] = append(byGroup[g], settingField{Key: f.Key, Label: label, Min: f.Min, Max: f.Max, Value: v,
			Default: defaults[f.Key], Fen: strings.HasSuffix(f.Key, "_fen"), Err: errs[f.Key]})
	}
	var out []settingGroup
	for _, sg := range settingGroups {
		out = append(out, settingGroup{Key: sg.Key, Fields: byGroup[sg.Key]})
	}
	if len(byGroup["other"]) > 0 {
		out = append(out, settingGroup{Key: "other", Fields: byGroup["other"]})
	}
	return out
}

func (c *Console) settingsPage(q *rq) error {
	s, err := c.Org.Settings(q.r.Context(), q.p.TenantID)
	if err != nil {
		return err
	}
	q.render(http.StatusOK, "settings", "nav.settings",
		settingsData{Groups: q.settingsGroups(s, nil, nil), Manage: q.p.Can(org.PermSettingsManage)})
	return nil
}

// settingsSave checks every typed value (all errors at once, in the user's language),
// then sends only the changed ones; the service validates again before saving.
func (c *Console) settingsSave(q *rq) error {
	if !q.p.Can(org.PermSettingsManage) {
		return siyu.Errorf(siyu.EFORBIDDEN, "your role may not change tenant settings")
	}
	cur, err := c.Org.Settings(q.r.Context(), q.p.TenantID)
	if err != nil {
		return err
	}
	if err := q.r.ParseForm(); err != nil {
		return siyu.Errorf(siyu.EINVALID, "bad form")
	}
	typed, errs := map[string]string{}, map[string]string{}
	patch := map[string]json.RawMessage{}
	for _, f := range cur.Fields() {
		if _, sent := q.r.PostForm[f.Key]; !sent {
			continue
		}
		raw := strings.TrimSpace(q.r.PostFormValue(f.Key))
		typed[f.Key] = raw
		n, err := strconv.Atoi(strings.ReplaceAll(raw, ",", ""))
		switch {
		case err != nil:
			errs[f.Key] = q.t("settings.err.integer")
		case n < f.Min || n > f.Max:
			errs[f.Key] = q.t("settings.err.range", groupDigits(f.Min), groupDigits(f.Max))
		case n != f.Value:
			patch[f.Key] = json.RawMessage(strconv.Itoa(n))
		}
	}
	rerender := func(status int, msg string) error {
		q.render(status, "settings", "nav.settings",
			settingsData{Groups: q.settingsGroups(cur, typed, errs), Manage: true, Error: msg})
		return nil
	}
	if len(errs) > 0 {
		return rerender(http.StatusUnprocessableEntity, q.t("settings.err.fix"))
	}
	if len(patch) == 0 {
		q.redirect("/console/settings", "flash.settings_unchanged", "")
		return nil
	}
	if _, err := c.Org.UpdateSettings(q.r.Context(), q.p, patch); err != nil {
		if code := siyu.ErrorCode(err); code != siyu.EINVALID {
			return err
		}
		if field := siyu.ErrorField(err); field != "" {
			errs[field] = c.errText(q.lang, "settings", err)
		}
		return rerender(http.StatusUnprocessableEntity, q.t("settings.err.fix"))
	}
	q.redirect("/console/settings", "flash.settings_saved", strconv.Itoa(len(patch)))
	return nil
}
