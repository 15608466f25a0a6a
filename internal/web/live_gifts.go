package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/siyu-live/siyu"
	"github.com/siyu-live/siyu/internal/live"
	"github.com/siyu-live/siyu/internal/org"
)

// giftIcons maps the catalog's emoji to the drawn gift pictures of templates/public.html
// (gift_icons), so gifts look the same on every phone and in browsers without a colour
// emoji font. Other emoji show as text, URLs as images.
var giftIcons = map[string]string{
	"💗": "heart", "❤️": "heart", "❤": "heart", "💖": "heart", "🌹": "rose", "🍭": "lollipop", "☕": "coffee",
	"🏎️": "car", "🏎": "car", "🚗": "car", "🚀": "rocket", "👑": "crown", "💎": "diamond", "🏰": "castle", "🎁": "gift",
}

// iconChoice is one drawn gift picture offered on the create form.
type iconChoice struct {
	Emoji string
	Name  string
}

// iconChoices are the pictures offered on the create form, one per drawing.
var iconChoices = []iconChoice{{"🌹", "rose"}, {"💗", "heart"}, {"🍭", "lollipop"}, {"☕", "coffee"}, {"🎁", "gift"},
	{"💎", "diamond"}, {"👑", "crown"}, {"🏎️", "car"}, {"🚀", "rocket"}, {"🏰", "castle"}}

// giftRow is one gift of the catalog page with the form values typed for it.
type giftRow struct {
	G     live.Gift
	Yuan  string
	Error string
}

// liveGiftsData is the gift catalog page.
type liveGiftsData struct {
	Rows    []giftRow
	Form    *form
	Manage  bool
	Icons   map[string]string
	Choices []iconChoice
}

func yuanText(fen int64) string {
	if fen%100 == 0 {
		return strconv.FormatInt(fen/100, 10)
	}
	return strconv.FormatFloat(float64(fen)/100, 'f', 2, 64)
}

// parseYuan reads a gift value in yuan ("520", "0.1", "¥5.20") as fen, exactly
// (yuanFen uses no floats), from 0 to one million yuan.
func parseYuan(s string) (int64, bool) {
	fen, key := yuanFen(s)
	return fen, key == "" && fen <= 100_000_000
}

func (c *Console) giftsData(q *rq, f *form, rowErr map[int64]string) (liveGiftsData, error) {
	gifts, err := c.Live.Gifts(q.r.Context(), q.p)
	if err != nil {
		return liveGiftsData{}, err
	}
	if f == nil {
		f = newForm(nil)
		f.Values.Set("icon", "🎁")
	}
	d := liveGiftsData{Form: f, Manage: q.p.Can(org.PermSessionsManage), Icons: giftIcons, Choices: iconChoices}
	for _, g := range gifts {
		d.Rows = append(d.Rows, giftRow{G: g, Yuan: yuanText(g.Value), Error: rowErr[g.ID]})
	}
	return d, nil
}

func (c *Console) liveGifts(q *rq) error {
	d, err := c.giftsData(q, nil, nil)
	if err != nil {
		return err
	}
	q.render(http.StatusOK, "live_gifts", "live.gifts", d)
	return nil
}

// giftCreate adds a gift; the value is typed in yuan and stored in fen.
func (c *Console) giftCreate(q *rq) error {
	if err := q.r.ParseForm(); err != nil {
		return siyu.Errorf(siyu.EINVALID, "bad form")
	}
	f := newForm(q.r.PostForm)
	in := live.GiftInput{Name: f.Get("name"), Icon: f.Get("icon")}
	if custom := strings.TrimSpace(f.Get("icon_custom")); custom != "" {
		in.Icon = custom
	}
	in.Sort, _ = strconv.ParseInt(strings.TrimSpace(f.Get("sort")), 10, 64)
	v, ok := parseYuan(f.Get("value"))
	if !ok {
		f.Errors["value"] = q.t("live.gifts.err.value")
	}
	in.Value = v
	if ok {
		if _, err := c.Live.CreateGift(q.r.Context(), q.p, in); err != nil {
			if siyu.ErrorCode(err) != siyu.EINVALID {
				return err
			}
			f.fail(c, q.lang, "gift", err, "name", "icon", "value", "sort")
		} else {
			q.redirect("/console/live/gifts", "flash.gift_created", in.Name)
			return nil
		}
	}
	d, err := c.giftsData(q, f, nil)
	if err != nil {
		return err
	}
	q.render(http.StatusUnprocessableEntity, "live_gifts", "live.gifts", d)
	return nil
}

// giftUpdate saves one row of the catalog: name, value, order and whether it is offered.
func (c *Console) giftUpdate(q *rq) error {
	id, err := pathID(q, "id")
	if err != nil {
		return err
	}
	if err := q.r.ParseForm(); err != nil {
		return siyu.Errorf(siyu.EINVALID, "bad form")
	}
	var patch live.GiftPatch
	form := q.r.PostForm
	if v, ok := form["name"]; ok {
		patch.Name = &v[0]
	}
	if v, ok := form["icon"]; ok {
		patch.Icon = &v[0]
	}
	if v := form.Get("sort"); v != "" {
		n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
		if err == nil {
			patch.Sort = &n
		}
	}
	if _, ok := form["active"]; ok {
		a := form.Get("active") == "true"
		patch.Active = &a
	}
	fail := func(msg string) error {
		d, err := c.giftsData(q, nil, map[int64]string{id: msg})
		if err != nil {
			return err
		}
		q.render(http.StatusUnprocessableEntity, "live_gifts", "live.gifts", d)
		return nil
	}
	if v, ok := form["value"]; ok {
		fen, ok := parseYuan(v[0])
		if !ok {
			return fail(q.t("live.gifts.err.value"))
		}
		patch.Value = &fen
	}
	g, err := c.Live.UpdateGift(q.r.Context(), q.p, id, patch)
	if err != nil {
		if siyu.ErrorCode(err) != siyu.EINVALID {
			return err
		}
		return fail(c.errText(q.lang, "gift", err))
	}
	q.redirect("/console/live/gifts", "flash.gift_saved", g.Name)
	return nil
}
