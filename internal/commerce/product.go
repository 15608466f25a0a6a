package commerce

import (
	"fmt"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/siyu-live/siyu"
)

// Bounds of product input. Prices are fen: 1 fen to 1,000,000 yuan.
const (
	MinPriceFen    = 1
	MaxPriceFen    = 100_000_000
	MaxStock       = 10_000_000
	MaxSKUs        = 50
	MaxImages      = 9
	maxNameRunes   = 60
	maxSKURunes    = 30
	maxDescRunes   = 2000
	maxImageURLLen = 500
)

// Product statuses. Archived products cannot be ordered and leave every showcase;
// they are never deleted once sold, because order lines point at them.
const (
	ProductActive   = "active"
	ProductArchived = "archived"
)

// DefaultSKUName names the one SKU of a product created without SKUs.
const DefaultSKUName = "默认"

// Product is something a brand sells. Price and Stock summarise the SKUs (lowest
// price, total stock left) for lists and the showcase.
type Product struct {
	ID          int64     `json:"id"`
	Name        string    `json:"name"`
	Description string    `json:"description"`
	Images      []string  `json:"images"`
	Virtual     bool      `json:"virtual"` // no delivery address needed (courses, vouchers)
	Status      string    `json:"status"`
	Price       int64     `json:"price"`
	Stock       int64     `json:"stock"`
	Sold        int64     `json:"sold"`
	SKUs        []SKU     `json:"skus"`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
}

// SKU is one sellable variant (size, colour) with its own price and stock.
type SKU struct {
	ID    int64  `json:"id"`
	Name  string `json:"name"`
	Price int64  `json:"price"`
	Stock int64  `json:"stock"` // units left to sell
	Sold  int64  `json:"sold"`  // units in paid orders
}

// image is the product's first picture, for cards and pins.
func (p Product) image() string {
	if len(p.Images) > 0 {
		return p.Images[0]
	}
	return ""
}

// ProductInput is the body of POST /api/v1/products. Without skus, price and stock
// make the one default SKU (the CONTRACT's {"name","price","stock"}).
type ProductInput struct {
	Name        string     `json:"name"`
	Description string     `json:"description,omitempty"`
	Images      []string   `json:"images,omitempty"`
	Virtual     bool       `json:"virtual,omitempty"`
	Price       *int64     `json:"price,omitempty"`
	Stock       *int64     `json:"stock,omitempty"`
	SKUs        []SKUInput `json:"skus,omitempty"`
}

// SKUInput is one SKU of a new product, or the body of POST /products/{id}/skus.
type SKUInput struct {
	Name  string `json:"name"`
	Price int64  `json:"price"`
	Stock int64  `json:"stock"`
}

// ProductPatch changes some fields of a product; absent fields stay. Price and
// stock may be set here only on a product with one SKU (else per SKU).
type ProductPatch struct {
	Name        *string   `json:"name,omitempty"`
	Description *string   `json:"description,omitempty"`
	Images      *[]string `json:"images,omitempty"`
	Virtual     *bool     `json:"virtual,omitempty"`
	Price       *int64    `json:"price,omitempty"`
	Stock       *int64    `json:"stock,omitempty"`
}

// SKUPatch changes some fields of one SKU. Stock is the new number left to sell.
type SKUPatch struct {
	Name  *string `json:"name,omitempty"`
	Price *int64  `json:"price,omitempty"`
	Stock *int64  `json:"stock,omitempty"`
}

func checkText(field, s string, minRunes, maxRunes int) (string, error) {
	s = strings.TrimSpace(s)
	n := utf8.RuneCountInString(s)
	if n < minRunes || n > maxRunes || !utf8.ValidString(s) || strings.ContainsRune(s, 0) {
		if minRunes > 0 && n == 0 {
			return "", siyu.Invalid(field, "%s is required", field)
		}
		return "", siyu.Invalid(field, "%s must be %d–%d characters", field, minRunes, maxRunes)
	}
	return s, nil
}

func checkPrice(field string, fen int64) error {
	if fen < MinPriceFen || fen > MaxPriceFen {
		return siyu.Invalid(field, "%s must be between %d and %d fen", field, MinPriceFen, MaxPriceFen)
	}
	return nil
}

func checkStock(field string, n int64) error {
	if n < 0 || n > MaxStock {
		return siyu.Invalid(field, "%s must be between 0 and %d", field, MaxStock)
	}
	return nil
}

func checkImages(images []string) ([]string, error) {
	if len(images) > MaxImages {
		return nil, siyu.Invalid("images", "at most %d images", MaxImages)
	}
	out := make([]string, 0, len(images))
	for i, raw := range images {
		field := fmt.Sprintf("images[%d]", i)
		u, err := url.Parse(strings.TrimSpace(raw))
		ok := err == nil && len(raw) <= maxImageURLLen &&
			(((u.Scheme == "https" || u.Scheme == "http") && u.Host != "") || (u.Scheme == "" && u.Host == "" && strings.HasPrefix(u.Path, "/")))
		if !ok {
			return nil, siyu.Invalid(field, "%s must be an http(s) URL or a path on this site, up to %d characters", field, maxImageURLLen)
		}
		out = append(out, u.String())
	}
	return out, nil
}

// normalize validates a new product and turns the no-SKU form into one default SKU.
func (in ProductInput) normalize() (ProductInput, error) {
	var err error
	if in.Name, err = checkText("name", in.Name, 1, maxNameRunes); err != nil {
		return in, err
	}
	if in.Description, err = checkText("description", in.Description, 0, maxDescRunes); err != nil {
		return in, err
	}
	if in.Images, err = checkImages(in.Images); err != nil {
		return in, err
	}
	if len(in.SKUs) == 0 {
		if in.Price == nil {
			return in, siyu.Invalid("price", "price is required (in fen), or list skus")
		}
		if in.Stock == nil {
			return in, siyu.Invalid("stock", "stock is required, or list skus")
		}
		if err := checkPrice("price", *in.Price); err != nil {
			return in, err
		}
		if err := checkStock("stock", *in.Stock); err != nil {
			return in, err
		}
		in.SKUs = []SKUInput{{Name: DefaultSKUName, Price: *in.Price, Stock: *in.Stock}}
	} else if in.Price != nil || in.Stock != nil {
		return in, siyu.Invalid("price", "give price and stock per SKU when skus are listed")
	}
	if len(in.SKUs) > MaxSKUs {
		return in, siyu.Invalid("skus", "at most %d SKUs", MaxSKUs)
	}
	seen := map[string]bool{}
	for i := range in.SKUs {
		if in.SKUs[i], err = in.SKUs[i].normalize(fmt.Sprintf("skus[%d]", i)); err != nil {
			return in, err
		}
		if seen[in.SKUs[i].Name] {
			return in, siyu.Invalid(fmt.Sprintf("skus[%d].name", i), "SKU name %q is listed twice", in.SKUs[i].Name)
		}
		seen[in.SKUs[i].Name] = true
	}
	return in, nil
}

func (in SKUInput) normalize(prefix string) (SKUInput, error) {
	var err error
	if in.Name, err = checkText(prefix+".name", in.Name, 1, maxSKURunes); err != nil {
		return in, err
	}
	if err := checkPrice(prefix+".price", in.Price); err != nil {
		return in, err
	}
	return in, checkStock(prefix+".stock", in.Stock)
}
