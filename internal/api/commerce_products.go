package api

import (
	"context"
	"net/http"

	"github.com/siyu-live/siyu/internal/commerce"
	"github.com/siyu-live/siyu/internal/org"
)

func (a *API) createProduct(w http.ResponseWriter, r *http.Request) error {
	var in commerce.ProductInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	p, err := a.Commerce.CreateProduct(r.Context(), principal(r), in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, p)
	return nil
}

func (a *API) listProducts(w http.ResponseWriter, r *http.Request) error {
	cursor, limit, err := page(r)
	if err != nil {
		return err
	}
	list, next, err := a.Commerce.Products(r.Context(), principal(r), r.URL.Query().Get("status"), cursor, limit)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, listOf(list, next))
	return nil
}

func (a *API) getProduct(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	p, err := a.Commerce.Product(r.Context(), principal(r), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, p)
	return nil
}

func (a *API) patchProduct(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in commerce.ProductPatch
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	p, err := a.Commerce.UpdateProduct(r.Context(), principal(r), id, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, p)
	return nil
}

func (a *API) deleteProduct(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := a.Commerce.DeleteProduct(r.Context(), principal(r), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// productAction adapts a bodiless product action (archive, restore).
func (a *API) productAction(fn func(*commerce.Service, context.Context, org.Principal, int64) (commerce.Product, error)) handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := pathID(r, "id")
		if err != nil {
			return err
		}
		p, err := fn(a.Commerce, r.Context(), principal(r), id)
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, p)
		return nil
	}
}

func (a *API) addSKU(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in commerce.SKUInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	p, err := a.Commerce.AddSKU(r.Context(), principal(r), id, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, p)
	return nil
}

func (a *API) patchSKU(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	skuID, err := pathID(r, "sku_id")
	if err != nil {
		return err
	}
	var in commerce.SKUPatch
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	p, err := a.Commerce.UpdateSKU(r.Context(), principal(r), id, skuID, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, p)
	return nil
}

// getShowcase is public: the showcase is what every viewer of the room sees.
func (a *API) getShowcase(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	sc, err := a.Commerce.PublicShowcase(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, sc)
	return nil
}

func (a *API) addToShowcase(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in commerce.ShowcaseAdd
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	sc, err := a.Commerce.AddToShowcase(r.Context(), principal(r), id, in.ProductID)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, sc)
	return nil
}

func (a *API) setShowcase(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in commerce.ShowcaseInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	sc, err := a.Commerce.SetShowcase(r.Context(), principal(r), id, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, sc)
	return nil
}

// showcaseAction adapts an action on one product of a session's showcase (remove,
// pin, unpin).
func (a *API) showcaseAction(fn func(*commerce.Service, context.Context, org.Principal, int64, int64) (commerce.Showcase, error)) handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := pathID(r, "id")
		if err != nil {
			return err
		}
		productID, err := pathID(r, "product_id")
		if err != nil {
			return err
		}
		sc, err := fn(a.Commerce, r.Context(), principal(r), id, productID)
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, sc)
		return nil
	}
}
