package web

import (
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/siyu-live/siyu"
	"github.com/siyu-live/siyu/internal/commerce"
)

// skuRow is one line of the SKU table as typed (price in yuan, stock as text), plus
// what the page needs to show beside it.
type skuRow struct {
	ID       int64  // 0 for a new SKU
	Name     string // as typed
	Price    string // yuan, as typed
	Stock    string // as typed
	StockWas string // the stock the page showed, so an untouched field never overwrites a sale
	Sold     int64
	fen      int64
	stock    int64
}

// blank reports whether a new row was left empty; such rows are skipped, so the
// table can always offer an empty line to fill in.
func (r skuRow) blank() bool {
	return r.ID == 0 && strings.TrimSpace(r.Name) == "" && strings.TrimSpace(r.Price) == "" && strings.TrimSpace(r.Stock) == ""
}

// productForm is the create/edit form: the typed fields, the SKU rows and the
// errors, keyed by field ("name", "images", "skus", "sku.<row>.<name|price|stock>").
type productForm struct {
	*form
	SKUs []skuRow
}

// Rows is the SKU table to render: the typed rows plus one empty line to fill in.
func (f *productForm) Rows() []skuRow { return append(append([]skuRow{}, f.SKUs...), skuRow{}) }

// SKUErr returns the message for one cell of the SKU table.
func (f *productForm) SKUErr(i int, field string) string { return f.Errors[skuField(i, field)] }

func skuField(i int, field string) string { return "sku." + strconv.Itoa(i) + "." + field }

// productFormFrom fills the form from a saved product.
func productFormFrom(p commerce.Product) *productForm {
	v := url.Values{}
	v.Set("name", p.Name)
	v.Set("description", p.Description)
	v.Set("images", strings.Join(p.Images, "\n"))
	if p.Virtual {
		v.Set("virtual", "on")
	}
	f := &productForm{form: newForm(v)}
	for _, k := range p.SKUs {
		st := strconv.FormatInt(k.Stock, 10)
		f.SKUs = append(f.SKUs, skuRow{ID: k.ID, Name: k.Name, Price: fenText(k.Price), Stock: st, StockWas: st, Sold: k.Sold})
	}
	return f
}

// readProductForm reads a posted form and checks everything the service would, so
// an edit that takes several service calls is refused whole before the first one.
// Messages are catalog texts in lang; cur is the saved product when editing.
func (c *Console) readProductForm(lang string, v url.Values, cur *commerce.Product) *productForm {
	f := &productForm{form: newForm(v)}
	ids, names, prices, stocks, was := v["sku_id"], v["sku_name"], v["sku_price"], v["sku_stock"], v["sku_stock_was"]
	known := map[int64]commerce.SKU{}
	if cur != nil {
		for _, k := range cur.SKUs {
			known[k.ID] = k
		}
	}
	for i := range names {
		r := skuRow{Name: names[i], Price: at(prices, i), Stock: at(stocks, i), StockWas: at(was, i)}
		if id, err := strconv.ParseInt(at(ids, i), 10, 64); err == nil && id > 0 {
			k, ok := known[id]
			if !ok {
				continue // not this product's SKU: a stale or forged row
			}
			r.ID, r.Sold = id, k.Sold
		}
		if r.blank() {
			continue
		}
		f.SKUs = append(f.SKUs, r)
	}
	t := func(key string, args ...any) string { return c.tr(lang, key, args...) }
	if n := utf8.RuneCountInString(strings.TrimSpace(f.Get("name"))); n == 0 || n > 60 {
		f.Errors["name"] = t("commerce.err.name")
	}
	if utf8.RuneCountInString(strings.TrimSpace(f.Get("description"))) > 2000 {
		f.Errors["description"] = t("commerce.err.description")
	}
	if imgs := productImages(f.Get("images")); len(imgs) > commerce.MaxImages {
		f.Errors["images"] = t("commerce.err.images_max", commerce.MaxImages)
	}
	switch {
	case len(f.SKUs) == 0:
		f.Errors["skus"] = t("commerce.err.sku_none")
	case len(f.SKUs) > commerce.MaxSKUs:
		f.Errors["skus"] = t("commerce.err.sku_max", commerce.MaxSKUs)
	}
	seen := map[string]bool{}
	for i := range f.SKUs {
		r := &f.SKUs[i]
		name := strings.TrimSpace(r.Name)
		if n := utf8.RuneCountInString(name); n == 0 || n > 30 {
			f.Errors[skuField(i, "name")] = t("commerce.err.sku_name")
		} else if seen[name] {
			f.Errors[skuField(i, "name")] = t("commerce.err.sku_dup", name)
		}
		seen[name] = true
		var key string
		if r.fen, key = yuanToFen(r.Price); key != "" {
			f.Errors[skuField(i, "price")] = t(key)
		}
		if r.stock, key = parseStock(r.Stock); key != "" {
			f.Errors[skuField(i, "stock")] = t(key, groupDigits(commerce.MaxStock))
		}
	}
	return f
}

// productImages splits the images field: one address per line, blank lines skipped.
func productImages(s string) []string {
	out := []string{}
	for line := range strings.SplitSeq(s, "\n") {
		if u := strings.TrimSpace(line); u != "" {
			out = append(out, u)
		}
	}
	return out
}

// input is the new product the form describes.
func (f *productForm) input() commerce.ProductInput {
	in := commerce.ProductInput{Name: f.Get("name"), Description: f.Get("description"),
		Images: productImages(f.Get("images")), Virtual: f.Checked("virtual", "on")}
	for _, r := range f.SKUs {
		in.SKUs = append(in.SKUs, commerce.SKUInput{Name: strings.TrimSpace(r.Name), Price: r.fen, Stock: r.stock})
	}
	return in
}

// patch is the change to the product's own fields.
func (f *productForm) patch() commerce.ProductPatch {
	name, desc, imgs, virtual := f.Get("name"), f.Get("description"), productImages(f.Get("images")), f.Checked("virtual", "on")
	return commerce.ProductPatch{Name: &name, Description: &desc, Images: &imgs, Virtual: &virtual}
}

// skuPatch is what changed on an existing row against the saved SKU. Stock is sent
// only when the merchant typed a different number than the page showed: orders keep
// taking stock while the page is open, and an untouched field must not put it back.
func (r skuRow) skuPatch(saved commerce.SKU) (commerce.SKUPatch, bool) {
	var p commerce.SKUPatch
	if name := strings.TrimSpace(r.Name); name != saved.Name {
		p.Name = &name
	}
	if r.fen != saved.Price {
		p.Price = &r.fen
	}
	if strings.TrimSpace(r.Stock) != strings.TrimSpace(r.StockWas) && r.stock != saved.Stock {
		p.Stock = &r.stock
	}
	return p, p.Name != nil || p.Price != nil || p.Stock != nil
}

// skuErrField matches the service's field names for SKU input ("skus[2].price").
var skuErrField = regexp.MustCompile(`^skus\[(\d+)\]\.(name|price|stock)$`)

// failProduct puts a service error next to the field it names, in the page's
// language. row is the SKU row the call was about (-1 for calls about the product),
// for the bare "name", "price" and "stock" fields of the SKU calls. The form was
// checked before the call, so this is the rare case of a rule the check missed.
func (c *Console) failProduct(lang string, f *productForm, err error, row int) {
	field := siyu.ErrorField(err)
	sub := ""
	if m := skuErrField.FindStringSubmatch(field); m != nil {
		row, _ = strconv.Atoi(m[1])
		sub = m[2]
	} else if row >= 0 && (field == "name" || field == "price" || field == "stock") {
		sub = field
	}
	msg := siyu.ErrorMessage(err)
	switch {
	case sub == "name" && (strings.Contains(msg, "twice") || strings.Contains(msg, "already exists")):
		name := ""
		if row < len(f.SKUs) {
			name = strings.TrimSpace(f.SKUs[row].Name)
		}
		f.Errors[skuField(row, sub)] = c.tr(lang, "commerce.err.sku_dup", name)
	case sub == "name":
		f.Errors[skuField(row, sub)] = c.tr(lang, "commerce.err.sku_name")
	case sub == "price":
		f.Errors[skuField(row, sub)] = c.tr(lang, "commerce.err.price_range")
	case sub == "stock":
		f.Errors[skuField(row, sub)] = c.tr(lang, "commerce.err.stock", groupDigits(commerce.MaxStock))
	case strings.HasPrefix(field, "images"):
		f.Errors["images"] = c.tr(lang, "commerce.err.image", imageNumber(field))
	case field == "name":
		f.Errors["name"] = c.tr(lang, "commerce.err.name")
	case field == "description":
		f.Errors["description"] = c.tr(lang, "commerce.err.description")
	case field == "skus":
		f.Errors["skus"] = c.tr(lang, "commerce.err.sku_max", commerce.MaxSKUs)
	default:
		f.Errors[""] = c.errText(lang, "product", err)
	}
}

// imageNumber turns "images[2]" into 3, the number a merchant counts lines by.
func imageNumber(field string) int {
	var n int
	if _, err := fmt.Sscanf(field, "images[%d]", &n); err != nil {
		return 1
	}
	return n + 1
}
