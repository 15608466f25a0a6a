package script

import (
	"context"
	"fmt"

	"github.com/siyu-live/siyu/internal/db"
)

// seedCategory is one default category with its first answer.
type seedCategory struct {
	name   string
	script Input
}

// defaults are the four questions SPEC §6 names, answered the way a Chinese live shop
// answers them, so a new brand's agents have something to send on day one and see how
// variables are used. Brands edit or delete them freely.
var defaults = []seedCategory{
	{"发货时间", Input{Title: "什么时候发货？", Keywords: []string{"发货", "几天到", "快递", "物流"}, Snippets: []Snippet{
		{Kind: KindText, Text: "{name}您好～直播间下单的宝贝会在 48 小时内发货（预售商品以详情页时间为准），默认顺丰/中通，发货后在订单里就能查看物流单号。偏远地区一般 3–5 天送达哦～"}}}},
	{"退换货", Input{Title: "怎么退换货？", Keywords: []string{"退货", "换货", "售后", "七天无理由"}, Snippets: []Snippet{
		{Kind: KindText, Text: "{name}别担心～收到商品 7 天内支持无理由退换（不影响二次销售即可）。在订单详情点「申请售后」填写原因就行，质量问题来回运费由{brand}承担。"}}}},
	{"直播时长", Input{Title: "直播多久？几点开始？", Keywords: []string{"直播时间", "几点", "多久", "回放"}, Snippets: []Snippet{
		{Kind: KindText, Text: "下一场「{live_title}」{live_time}开播，一般播 2–3 小时，福利款集中在开播后前 30 分钟，记得准时来哦～预约直播：{live_link}"}}}},
	{"优惠说明", Input{Title: "有什么优惠？", Keywords: []string{"优惠", "优惠券", "满减", "便宜"}, Snippets: []Snippet{
		{Kind: KindText, Text: "直播间专享：{coupon}，下单时自动抵扣；福袋和红包每半小时发一次，关注主播并分享直播间就能参与抽奖～"}}}},
}

// ensureSeeded gives a tenant the default library once. The script_seeds row makes it
// once per tenant across nodes and restarts; the in-memory set spares the query after.
func (s *Service) ensureSeeded(ctx context.Context, tenantID int64) error {
	if _, ok := s.seeded.Load(tenantID); ok {
		return nil
	}
	err := s.store.Tx(ctx, func(tx *db.Tx) error {
		var got int64
		err := tx.WriteGetContext(ctx, &got, `INSERT INTO script_seeds (tenant_id, seeded_at) VALUES (?, ?)
			ON CONFLICT (tenant_id) DO NOTHING RETURNING tenant_id`, tenantID, s.now().UnixMilli())
		if db.IsNoRows(err) {
			return nil // seeded before
		} else if err != nil {
			return fmt.Errorf("script: seed: %w", err)
		}
		now := s.now().UnixMilli()
		for i, d := range defaults {
			var catID int64
			err := tx.WriteGetContext(ctx, &catID, `INSERT INTO script_categories (tenant_id, name, position, created_at, updated_at)
				VALUES (?, ?, ?, ?, ?) ON CONFLICT (tenant_id, name) DO NOTHING RETURNING id`, tenantID, d.name, i+1, now, now)
			if db.IsNoRows(err) {
				continue
			} else if err != nil {
				return fmt.Errorf("script: seed category: %w", err)
			}
			in := d.script
			in.CategoryID = catID
			c, err := checkInput(in)
			if err != nil {
				return fmt.Errorf("script: default %q: %w", in.Title, err)
			}
			if _, err := s.insert(ctx, tx, tenantID, 0, c); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	s.seeded.Store(tenantID, struct{}{})
	return nil
}
