package api

import (
	"bytes"
	"errors"
	"io"
	"net/http"

	"github.com/siyu-live/siyu"
	"github.com/siyu-live/siyu/internal/commerce"
)

// buyer is the viewer of a viewer-token request as commerce knows it.
func buyer(r *http.Request) commerce.Buyer {
	v := viewer(r)
	return commerce.Buyer{TenantID: v.TenantID, ViewerID: v.ID, SessionID: v.SessionID}
}

// decodeOptional decodes a JSON body when there is one; an empty body leaves dst at
// its zero value (pay and refund need no body).
func decodeOptional(r *http.Request, dst any) error {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		var maxErr *http.MaxBytesError
		if errors.As(err, &maxErr) {
			return err
		}
		return siyu.Errorf(siyu.EINVALID, "could not read the request body")
	}
	if len(bytes.TrimSpace(body)) == 0 {
		return nil
	}
	return DecodeBody(body, dst)
}

// orderAnswer runs a call that yields an order and writes it with status.
func orderAnswer(w http.ResponseWriter, status int, o commerce.Order, err error) error {
	if err != nil {
		return err
	}
	writeJSON(w, status, o)
	return nil
}

// placeOrder is never limited per address, like joining: a whole audience behind one
// carrier NAT buys at the same moment (CONTRACT.md).
func (a *API) placeOrder(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in commerce.OrderInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	o, err := a.Commerce.PlaceOrder(r.Context(), buyer(r), id, in)
	return orderAnswer(w, http.StatusCreated, o, err)
}

func (a *API) viewerOrders(w http.ResponseWriter, r *http.Request) error {
	cursor, limit, err := page(r)
	if err != nil {
		return err
	}
	list, next, err := a.Commerce.ViewerOrders(r.Context(), buyer(r), cursor, limit)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, listOf(list, next))
	return nil
}

func (a *API) viewerOrder(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	o, err := a.Commerce.ViewerOrder(r.Context(), buyer(r), id)
	return orderAnswer(w, http.StatusOK, o, err)
}

func (a *API) cancelOrder(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	o, err := a.Commerce.CancelOrder(r.Context(), buyer(r), id)
	return orderAnswer(w, http.StatusOK, o, err)
}

func (a *API) setAddress(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in commerce.Address
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	o, err := a.Commerce.SetAddress(r.Context(), buyer(r), id, in)
	return orderAnswer(w, http.StatusOK, o, err)
}

func (a *API) payOrder(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in commerce.PayInput
	if err := decodeOptional(r, &in); err != nil {
		return err
	}
	res, err := a.Commerce.Pay(r.Context(), buyer(r), id, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, res)
	return nil
}

func (a *API) listOrders(w http.ResponseWriter, r *http.Request) error {
	cursor, limit, err := page(r)
	if err != nil {
		return err
	}
	f := commerce.OrderFilter{Status: r.URL.Query().Get("status"), Source: r.URL.Query().Get("source")}
	if f.SessionID, err = queryInt(r, "session_id", 0, 0, 1<<62); err != nil {
		return err
	}
	if f.ViewerID, err = queryInt(r, "viewer_id", 0, 0, 1<<62); err != nil {
		return err
	}
	list, next, err := a.Commerce.Orders(r.Context(), principal(r), f, cursor, limit)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, listOf(list, next))
	return nil
}

func (a *API) getOrder(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	o, err := a.Commerce.Order(r.Context(), principal(r), id)
	return orderAnswer(w, http.StatusOK, o, err)
}

func (a *API) shipOrder(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in commerce.ShipInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	o, err := a.Commerce.Ship(r.Context(), principal(r), id, in)
	return orderAnswer(w, http.StatusOK, o, err)
}

func (a *API) completeOrder(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	o, err := a.Commerce.Complete(r.Context(), principal(r), id)
	return orderAnswer(w, http.StatusOK, o, err)
}

func (a *API) refundOrder(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in commerce.RefundInput
	if err := decodeOptional(r, &in); err != nil {
		return err
	}
	o, err := a.Commerce.Refund(r.Context(), principal(r), id, in)
	return orderAnswer(w, http.StatusOK, o, err)
}

// sandboxCallback receives the sandbox provider's notification; the service verifies
// the signature and the timestamp window, checks the amount and de-duplicates on the
// event id, so a redelivery is answered 200 without a second transition.
func (a *API) sandboxCallback(w http.ResponseWriter, r *http.Request) error {
	if _, err := a.Commerce.HandleCallback(r.Context(), commerce.SandboxName, r); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, CallbackAck{Received: true})
	return nil
}
