package org

import (
	"encoding/json"
	"fmt"
	"reflect"

	"github.com/siyu-live/siyu"
)

// Settings are the per-tenant rule thresholds of SPEC.md. The numbers in the spec are
// defaults; each brand may tune them, and every rule in every domain reads them from here.
type Settings struct {
	// Live rules (SPEC §3).
	GoodsPermissionBroadcasts int `json:"goods_permission_broadcasts" min:"1" max:"100" zh:"带货权限：所需直播场次" en:"Goods permission: broadcasts needed"`
	GoodsPermissionViewers    int `json:"goods_permission_viewers" min:"1" max:"1000000" zh:"带货权限：每场最少观众" en:"Goods permission: viewers per broadcast"`
	GoodsPermissionMinutes    int `json:"goods_permission_minutes" min:"1" max:"1440" zh:"带货权限：每场最短时长（分钟）" en:"Goods permission: minutes per broadcast"`
	NewHostMinutes            int `json:"new_host_minutes" min:"1" max:"1440" zh:"新主播激励：首播最短时长（分钟）" en:"New host: first broadcast minutes"`
	NewHostExposureCredits    int `json:"new_host_exposure_credits" min:"0" max:"100000000" zh:"新主播激励：曝光券数量" en:"New host: exposure credits"`
	WeeklyTopN                int `json:"weekly_top_n" min:"1" max:"10000" zh:"周榜扶持名额" en:"Weekly ranking: rooms promoted"`
	WeeklyTopExposure         int `json:"weekly_top_exposure" min:"0" max:"1000000000" zh:"周榜扶持曝光量" en:"Weekly ranking: extra exposure"`
	LargeGiftFen              int `json:"large_gift_fen" min:"1" max:"100000000" zh:"大额礼物提示回红包（分）" en:"Large gift suggesting a red envelope back (fen)"`
	// In-room tools (SPEC §4).
	LotteryDrawDelaySeconds   int `json:"lottery_draw_delay_seconds" min:"5" max:"86400" zh:"抽奖开奖延迟（秒）" en:"Lottery draw delay (seconds)"`
	PersonalLotteriesPerMonth int `json:"personal_lotteries_per_month" min:"0" max:"1000" zh:"个人号每月抽奖次数" en:"Lotteries per month (personal accounts)"`
	OrderExpiryMinutes        int `json:"order_expiry_minutes" min:"1" max:"10080" zh:"未支付订单关闭时间（分钟）" en:"Unpaid order expiry (minutes)"`
	// Communities (SPEC §2, ours): what an in-group red envelope left unclaimed is refunded after.
	CommunityEnvelopeHours int `json:"community_envelope_hours" min:"1" max:"168" zh:"社群红包有效期（小时）" en:"Community red envelope expiry (hours)"`
	// Inbox and organisation (SPEC §1, §7).
	InboxAdSpendFen    int `json:"inbox_ad_spend_fen" min:"0" max:"1000000000" zh:"私信通开通门槛：月投放消耗（分）" en:"Lead inbox: monthly ad spend threshold (fen)"`
	KOSMinStores       int `json:"kos_min_stores" min:"0" max:"100000" zh:"KOS 资格：最少线下门店数" en:"KOS eligibility: minimum stores"`
	EnterpriseFeeFen   int `json:"enterprise_fee_fen" min:"0" max:"100000000" zh:"企业号认证年费（分）" en:"Enterprise verification fee per year (fen)"`
	ReachThrottlePerMn int `json:"reach_throttle_per_minute" min:"1" max:"1000000" zh:"一键触达：每分钟发送上限" en:"One-click reach: sends per minute"`
	// Analytics (SPEC §10): the live dashboard compares the last N minutes with the N
	// before and alerts the host when entries or engagement fall by this much.
	AnalyticsWindowMinutes     int `json:"analytics_window_minutes" min:"1" max:"60" zh:"数据大屏：对比时段（分钟）" en:"Dashboard: comparison window (minutes)"`
	AnalyticsTrafficDropPct    int `json:"analytics_traffic_drop_percent" min:"10" max:"100" zh:"数据大屏：进场人数下降提醒（%）" en:"Dashboard: alert when entries drop by (%)"`
	AnalyticsEngagementDropPct int `json:"analytics_engagement_drop_percent" min:"10" max:"100" zh:"数据大屏：互动下降提醒（%）" en:"Dashboard: alert when engagement drops by (%)"`
	AnalyticsAlertMinBase      int `json:"analytics_alert_min_base" min:"1" max:"1000000" zh:"数据大屏：提醒所需的前一时段最少次数" en:"Dashboard: least activity in the earlier window to alert"`
}

// DefaultSettings are the numbers of SPEC.md (and ours where the spec is silent).
func DefaultSettings() Settings {
	return Settings{
		GoodsPermissionBroadcasts: 3, GoodsPermissionViewers: 100, GoodsPermissionMinutes: 30,
		NewHostMinutes: 30, NewHostExposureCredits: 2000, WeeklyTopN: 100, WeeklyTopExposure: 200000,
		LargeGiftFen: 52000, LotteryDrawDelaySeconds: 60, PersonalLotteriesPerMonth: 1,
		OrderExpiryMinutes: 15, InboxAdSpendFen: 300000, KOSMinStores: 10, EnterpriseFeeFen: 60000,
		ReachThrottlePerMn: 6000, CommunityEnvelopeHours: 24,
		AnalyticsWindowMinutes: 5, AnalyticsTrafficDropPct: 50, AnalyticsEngagementDropPct: 50, AnalyticsAlertMinBase: 20,
	}
}

// SettingField describes one setting for the console form and the API documentation.
type SettingField struct {
	Key   string `json:"key"`
	Zh    string `json:"label_zh"`
	En    string `json:"label_en"`
	Min   int    `json:"min"`
	Max   int    `json:"max"`
	Value int    `json:"value"`
}

// Fields lists s's settings with labels and bounds, in declaration order.
func (s Settings) Fields() []SettingField {
	v := reflect.ValueOf(s)
	t := v.Type()
	out := make([]SettingField, 0, t.NumField())
	for i := range t.NumField() {
		f := t.Field(i)
		var lo, hi int
		fmt.Sscan(f.Tag.Get("min"), &lo)
		fmt.Sscan(f.Tag.Get("max"), &hi)
		out = append(out, SettingField{Key: f.Tag.Get("json"), Zh: f.Tag.Get("zh"), En: f.Tag.Get("en"),
			Min: lo, Max: hi, Value: int(v.Field(i).Int())})
	}
	return out
}

// Validate checks every value against its bounds and names the first field out of range.
func (s Settings) Validate() error {
	for _, f := range s.Fields() {
		if f.Value < f.Min || f.Value > f.Max {
			return siyu.Invalid(f.Key, "%s must be between %d and %d, got %d", f.Key, f.Min, f.Max, f.Value)
		}
	}
	return nil
}

// Apply overlays patch (key → value) on s. Unknown keys and non-integers are rejected by
// name, so a typo in an automation script is never silently ignored.
func (s Settings) Apply(patch map[string]json.RawMessage) (Settings, error) {
	v := reflect.ValueOf(&s).Elem()
	t := v.Type()
	index := map[string]int{}
	for i := range t.NumField() {
		index[t.Field(i).Tag.Get("json")] = i
	}
	for key, raw := range patch {
		i, ok := index[key]
		if !ok {
			return s, siyu.Invalid(key, "unknown setting %q", key)
		}
		var n int64
		if err := json.Unmarshal(raw, &n); err != nil {
			return s, siyu.Invalid(key, "%s must be an integer", key)
		}
		v.Field(i).SetInt(n)
	}
	return s, s.Validate()
}

// decodeSettings reads stored JSON over the defaults, so settings added in a later
// release get their default for existing tenants.
func decodeSettings(raw string) Settings {
	s := DefaultSettings()
	if raw != "" {
		_ = json.Unmarshal([]byte(raw), &s)
	}
	return s
}
