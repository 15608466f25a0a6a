package web

import (
	"context"
	"net/http"
	"strconv"
	"strings"

	"github.com/siyu-live/siyu"
	"github.com/siyu-live/siyu/internal/commerce"
	"github.com/siyu-live/siyu/internal/org"
)

// productPageSize is the number of products per page of the list.
const productPageSize = 20

// productSearchScan bounds how many products one search page reads. The service
// lists by status only, so a search filters pages of the list here; past this many
// the page offers "more" from where it stopped rather than reading a huge catalogue.
const productSearchScan = 2000

// productListData is the product list: filter, search, one page and its cursor.
type productListData struct {
	Products []productItem
	Status   string
	Statuses []string
	Query    string
	Before   int64
	Next     string
	Manage   bool
	Orders   bool // may open the orders tab
}

// productItem is one row of the list with what the row shows beyond the product.
type productItem struct {
	commerce.Product
	MaxPrice int64
	Image    string
}

func newProductItem(p commerce.Product) productItem {
	it := productItem{Product: p, MaxPrice: p.Price}
	for _, k := range p.SKUs {
		it.MaxPrice = max(it.MaxPrice, k.Price)
	}
	if len(p.Images) > 0 {
		it.Image = p.Images[0]
	}
	return it
}

func (c *Console) productList(q *rq) error {
	qs := q.r.URL.Query()
	status := qs.Get("status")
	if status != commerce.ProductActive && status != commerce.ProductArchived {
		status = ""
	}
	before, _ := strconv.ParseInt(qs.Get("before"), 10, 64)
	query := strings.TrimSpace(qs.Get("q"))
	list, next, err := c.searchProducts(q.r.Context(), q.p, status, query, before)
	if err != nil {
		return err
	}
	d := productListData{Status: status, Statuses: []string{commerce.ProductActive, commerce.ProductArchived},
		Query: query, Before: before, Next: next, Manage: q.p.Can(org.PermProductsManage), Orders: q.p.Can(org.PermOrdersView)}
	for _, p := range list {
		d.Products = append(d.Products, newProductItem(p))
	}
	q.csp = imageCSP
	q.render(http.StatusOK, "commerce_products", "commerce.products", d)
	return nil
}

// searchProducts returns one page of products, newest first. Without a query it is
// the service's page; with one, it reads the list in batches and keeps the products
// whose name, SKU name or number (#12) matches, up to productSearchScan products.
func (c *Console) searchProducts(ctx context.Context, p org.Principal, status, query string, before int64) ([]commerce.Product, string, error) {
	if query == "" {
		return c.Commerce.Products(ctx, p, status, before, productPageSize)
	}
	needle := strings.ToLower(query)
	id, _ := strconv.ParseInt(strings.TrimPrefix(query, "#"), 10, 64)
	match := func(pr commerce.Product) bool {
		if pr.ID == id || strings.Contains(strings.ToLower(pr.Name), needle) {
			return true
		}
		for _, k := range pr.SKUs {
			if strings.Contains(strings.ToLower(k.Name), needle) {
				return true
			}
		}
		return false
	}
	var out []commerce.Product
	cursor := before
	for scanned := 0; scanned < productSearchScan; {
		page, next, err := c.Commerce.Products(ctx, p, status, cursor, 200)
		if err != nil {
			return nil, "", err
		}
		for _, pr := range page {
			scanned++
			cursor = pr.ID
			if match(pr) {
				out = append(out, pr)
				if len(out) == productPageSize {
					return out, strconv.FormatInt(pr.ID, 10), nil
				}
			}
		}
		if next == "" {
			return out, "", nil
		}
	}
	return out, strconv.FormatInt(cursor, 10), nil
}

// productPageData is the create/edit page.
type productPageData struct {
	P      *commerce.Product // nil on the create page
	Form   *productForm
	Manage bool
	Images []string // previews of the saved pictures
}

func (c *Console) renderProduct(q *rq, status int, p *commerce.Product, f *productForm) {
	d := productPageData{P: p, Form: f, Manage: q.p.Can(org.PermProductsManage)}
	title := "commerce.product.new"
	if p != nil {
		d.Images = p.Images
		title = "commerce.product.edit"
	}
	q.csp = imageCSP
	q.render(status, "commerce_product", title, d)
}

func canManageProducts(q *rq) error {
	if !q.p.Can(org.PermProductsManage) {
		return siyu.Errorf(siyu.EFORBIDDEN, "your role may not manage products")
	}
	return nil
}

func (c *Console) productNew(q *rq) error {
	if err := canManageProducts(q); err != nil {
		return err
	}
	c.renderProduct(q, http.StatusOK, nil, &productForm{form: newForm(nil)})
	return nil
}

// productCreate creates a product with its SKUs in one service call; a rejected
// form comes back filled in with the message next to the field at fault.
func (c *Console) productCreate(q *rq) error {
	if _, err := managedForm(q, canManageProducts); err != nil {
		return err
	}
	f := c.readProductForm(q.lang, q.r.PostForm, nil)
	if f.HasErrors() {
		c.renderProduct(q, http.StatusUnprocessableEntity, nil, f)
		return nil
	}
	p, err := c.Commerce.CreateProduct(q.r.Context(), q.p, f.input())
	if err != nil {
		if siyu.ErrorCode(err) != siyu.EINVALID {
			return err
		}
		c.failProduct(q.lang, f, err, -1)
		c.renderProduct(q, http.StatusUnprocessableEntity, nil, f)
		return nil
	}
	q.redirect(productURL(p.ID), "flash.commerce_product_created", p.Name)
	return nil
}

func (c *Console) productEdit(q *rq) error {
	id, err := pathID(q, "id")
	if err != nil {
		return err
	}
	p, err := c.Commerce.Product(q.r.Context(), q.p, id)
	if err != nil {
		return err
	}
	c.renderProduct(q, http.StatusOK, &p, productFormFrom(p))
	return nil
}

// productSave applies the edit form: the product's own fields, then each changed
// SKU, then each new one. The whole form is checked first, so a refusal part-way is
// a race (a SKU renamed meanwhile) and the page then shows what was saved so far.
func (c *Console) productSave(q *rq) error {
	id, _, err := itemForm(q, canManageProducts)
	if err != nil {
		return err
	}
	ctx := q.r.Context()
	cur, err := c.Commerce.Product(ctx, q.p, id)
	if err != nil {
		return err
	}
	f := c.readProductForm(q.lang, q.r.PostForm, &cur)
	if f.HasErrors() {
		c.renderProduct(q, http.StatusUnprocessableEntity, &cur, f)
		return nil
	}
	fail := func(err error, row int) error {
		if siyu.ErrorCode(err) != siyu.EINVALID {
			return err
		}
		c.failProduct(q.lang, f, err, row)
		if p, gerr := c.Commerce.Product(ctx, q.p, id); gerr == nil {
			cur = p
		}
		c.renderProduct(q, http.StatusUnprocessableEntity, &cur, f)
		return nil
	}
	if _, err := c.Commerce.UpdateProduct(ctx, q.p, id, f.patch()); err != nil {
		return fail(err, -1)
	}
	saved := map[int64]commerce.SKU{}
	for _, k := range cur.SKUs {
		saved[k.ID] = k
	}
	for i, r := range f.SKUs {
		if r.ID == 0 {
			continue
		}
		if patch, changed := r.skuPatch(saved[r.ID]); changed {
			if _, err := c.Commerce.UpdateSKU(ctx, q.p, id, r.ID, patch); err != nil {
				return fail(err, i)
			}
		}
	}
	for i, r := range f.SKUs {
		if r.ID != 0 {
			continue
		}
		in := commerce.SKUInput{Name: strings.TrimSpace(r.Name), Price: r.fen, Stock: r.stock}
		if _, err := c.Commerce.AddSKU(ctx, q.p, id, in); err != nil {
			return fail(err, i)
		}
	}
	q.redirect(productURL(id), "flash.commerce_product_saved", strings.TrimSpace(f.Get("name")))
	return nil
}

// productStatus archives (stops selling, leaves every showcase) or restores a
// product, then goes back to where the button was: the list or the product page.
func (c *Console) productStatus(archive bool) handler {
	return func(q *rq) error {
		if err := canManageProducts(q); err != nil {
			return err
		}
		id, err := pathID(q, "id")
		if err != nil {
			return err
		}
		var p commerce.Product
		key := "flash.commerce_product_restored"
		if archive {
			p, err = c.Commerce.ArchiveProduct(q.r.Context(), q.p, id)
			key = "flash.commerce_product_archived"
		} else {
			p, err = c.Commerce.RestoreProduct(q.r.Context(), q.p, id)
		}
		if err != nil {
			return err
		}
		back := productURL(id)
		if b := safeNext(q.r.PostFormValue("back")); strings.HasPrefix(b, "/console/commerce") {
			back = b
		}
		q.redirect(back, key, p.Name)
		return nil
	}
}

func productURL(id int64) string { return "/console/commerce/products/" + strconv.FormatInt(id, 10) }
