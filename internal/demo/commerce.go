package demo

import (
	"context"
	"fmt"

	"github.com/siyu-live/siyu/internal/commerce"
	"github.com/siyu-live/siyu/internal/live"
	"github.com/siyu-live/siyu/internal/org"
)

func fen(n int64) *int64 { return &n }

// DemoProducts are the demo brand's autumn/winter line, with sizes and colours as
// SKUs; the first is the one the rundown says to pin ("羊绒大衣 … 3-2-1 上链接").
var DemoProducts = []commerce.ProductInput{
	{Name: "羊绒混纺大衣", Description: "70% 羊毛 30% 羊绒，双面呢工艺，落肩廓形。主播身高 165 穿 M 码。",
		SKUs: []commerce.SKUInput{{Name: "驼色 S", Price: 59900, Stock: 20}, {Name: "驼色 M", Price: 59900, Stock: 30},
			{Name: "驼色 L", Price: 59900, Stock: 20}, {Name: "黑色 M", Price: 59900, Stock: 15}, {Name: "黑色 L", Price: 59900, Stock: 10}}},
	{Name: "真丝衬衫", Description: "22 姆米桑蚕丝，珍珠贝母扣，可机洗轻柔档。",
		SKUs: []commerce.SKUInput{{Name: "珍珠白 S", Price: 29900, Stock: 25}, {Name: "珍珠白 M", Price: 29900, Stock: 25},
			{Name: "雾霾蓝 M", Price: 29900, Stock: 20}}},
	{Name: "高腰阔腿西裤", Description: "垂感醋酸面料，高腰显腿长，侧边隐形拉链。",
		SKUs: []commerce.SKUInput{{Name: "黑色 S", Price: 25900, Stock: 30}, {Name: "黑色 M", Price: 25900, Stock: 30},
			{Name: "卡其 M", Price: 25900, Stock: 20}}},
	{Name: "羊毛针织围巾", Description: "100% 美利奴羊毛，180×30 cm，直播间专享价。", Price: fen(9900), Stock: fen(200)},
	{Name: "小羊皮托特包", Description: "头层小羊皮，可放 13 寸电脑，限量发售。", Price: fen(129900), Stock: fen(8)},
}

// seedCommerce creates the demo products and puts them in the demo live session's
// showcase, once: when any demo product already exists (the demo user may have
// changed or removed some since), nothing is created or re-added.
func seedCommerce(ctx context.Context, lv *live.Service, cs *commerce.Service, owner org.User) error {
	p := ownerPrincipal(owner)
	for before := int64(0); ; {
		page, next, err := cs.Products(ctx, p, "", before, 200)
		if err != nil {
			return fmt.Errorf("demo: products: %w", err)
		}
		for _, existing := range page {
			for _, d := range DemoProducts {
				if existing.Name == d.Name {
					return nil
				}
			}
		}
		if next == "" {
			break
		}
		fmt.Sscan(next, &before)
	}
	var sessionID int64
	if lv != nil {
		sessions, _, err := lv.List(ctx, p, "", 0, 200)
		if err != nil {
			return fmt.Errorf("demo: sessions: %w", err)
		}
		for _, s := range sessions {
			if s.Title == LiveTitle {
				sessionID = s.ID
			}
		}
	}
	for _, in := range DemoProducts {
		prod, err := cs.CreateProduct(ctx, p, in)
		if err != nil {
			return fmt.Errorf("demo: product %s: %w", in.Name, err)
		}
		if sessionID == 0 {
			continue
		}
		if _, err := cs.AddToShowcase(ctx, p, sessionID, prod.ID); err != nil {
			return fmt.Errorf("demo: showcase %s: %w", in.Name, err)
		}
	}
	return nil
}
