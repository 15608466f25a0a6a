package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/siyu-live/siyu/internal/live"
	"github.com/siyu-live/siyu/internal/org"
)

// LiveTitle is the demo's scheduled live session; seeding looks for it by title, so a
// demo user who renamed or ended it is left alone and a second one is never created.
const LiveTitle = "秋冬新品首发 · 直播专场"

// shanghai is the demo brand's time zone (China has no daylight saving time).
var shanghai = time.FixedZone("CST", 8*3600)

// DemoBannedWords are the words a Chinese live room blocks first: invitations to move
// the customer to a private WeChat, which platforms punish.
var DemoBannedWords = []string{"微信", "加V", "vx"}

// seedLive creates the default gift catalog and, once, a live session tomorrow at 20:00
// China time hosted by the demo host, with an announcement, a rundown, two entry links
// and a few banned words.
func seedLive(ctx context.Context, svc *org.Service, lv *live.Service, owner org.User) error {
	p := ownerPrincipal(owner)
	if _, err := lv.Gifts(ctx, p); err != nil {
		return fmt.Errorf("demo: gifts: %w", err)
	}
	if found, err := hasSession(ctx, lv, p, LiveTitle); err != nil || found {
		return err
	}
	host, err := svc.UserByEmail(ctx, HostEmail)
	if err != nil {
		return fmt.Errorf("demo: host: %w", err)
	}
	local := time.Now().In(shanghai)
	at := time.Date(local.Year(), local.Month(), local.Day()+1, 20, 0, 0, 0, shanghai)
	desc, ann := "新季新品首发，主播小雨现场试穿讲解，直播间专享价与抽奖福利。", "今晚 20:00 开播｜关注主播参与抽奖，下单满 299 减 50"
	s, err := lv.Create(ctx, p, live.CreateInput{Title: LiveTitle, ScheduledAt: at.Format(time.RFC3339),
		SessionPatch: live.SessionPatch{Description: &desc, Announcement: &ann, HostID: &host.ID, Rundown: &[]live.Segment{
			{Title: "开场预热 · 抽奖预告", Minutes: 10, Notes: "欢迎新进直播间的朋友，提醒关注主播"},
			{Title: "新品讲解 · 羊绒大衣", Minutes: 30, Notes: "面料、版型、尺码建议；3-2-1 上链接"},
			{Title: "限时秒杀", Minutes: 15, Notes: "库存有限，倒计时开抢"},
			{Title: "答疑 · 预告下一场", Minutes: 10, Notes: "收集下一场想看的款式"},
		}}})
	if err != nil {
		return fmt.Errorf("demo: live session: %w", err)
	}
	if _, err := lv.SetBannedWords(ctx, p, s.ID, DemoBannedWords); err != nil {
		return fmt.Errorf("demo: banned words: %w", err)
	}
	for _, e := range []live.EntryInput{{Channel: "community", Label: "老客福利群"}, {Channel: "official_account", Label: "公众号推文"}} {
		if _, err := lv.CreateEntry(ctx, p, s.ID, e); err != nil {
			return fmt.Errorf("demo: entry %s: %w", e.Channel, err)
		}
	}
	return nil
}
