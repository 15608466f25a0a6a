package dashboard

import (
	"encoding/json"
	"errors"
)

// Subject is the bus subject the nodes exchange their news on (core NATS: a lost
// message costs a second of trend line, never a reconciled figure).
const Subject = "siyu.analytics.slots"

// Delta is what one node counted for one session since it last told the others.
type Delta struct {
	Tenant   int64          `json:"t"`
	Session  int64          `json:"s"`
	Slots    []SlotCounts   `json:"slots,omitempty"`
	Products []ProductDelta `json:"products,omitempty"`

	slotIdx map[int64]int
	prodIdx map[[2]int64]int
}

// SlotCounts are one slot's counts.
type SlotCounts struct {
	Slot   int64  `json:"slot"`
	Counts Counts `json:"c"`
}

// ProductDelta is one product's interest within one slot.
type ProductDelta struct {
	Slot    int64 `json:"slot"`
	Product int64 `json:"id"`
	ProductCounts
}

func (d *Delta) add(slot int64, c Counts, pid int64, pc ProductCounts, isProduct bool) {
	if d.slotIdx == nil {
		d.slotIdx, d.prodIdx = map[int64]int{}, map[[2]int64]int{}
	}
	i, ok := d.slotIdx[slot]
	if !ok {
		i = len(d.Slots)
		d.slotIdx[slot] = i
		d.Slots = append(d.Slots, SlotCounts{Slot: slot})
	}
	d.Slots[i].Counts.Add(c)
	if !isProduct {
		return
	}
	k := [2]int64{slot, pid}
	j, ok := d.prodIdx[k]
	if !ok {
		j = len(d.Products)
		d.prodIdx[k] = j
		d.Products = append(d.Products, ProductDelta{Slot: slot, Product: pid})
	}
	d.Products[j].Views += pc.Views
	d.Products[j].Checkouts += pc.Checkouts
}

type message struct {
	Node   string  `json:"node"`
	Deltas []Delta `json:"deltas"`
}

// EncodeMessage is the bus message carrying a node's deltas.
func EncodeMessage(node string, ds []Delta) ([]byte, error) {
	return json.Marshal(message{Node: node, Deltas: ds})
}

// DecodeMessage reads a bus message; deltas naming no session are dropped.
func DecodeMessage(data []byte) (node string, ds []Delta, err error) {
	var m message
	if err := json.Unmarshal(data, &m); err != nil {
		return "", nil, err
	}
	if m.Node == "" {
		return "", nil, errors.New("dashboard: message without a node")
	}
	out := m.Deltas[:0]
	for _, d := range m.Deltas {
		if d.Tenant > 0 && d.Session > 0 {
			out = append(out, d)
		}
	}
	return m.Node, out, nil
}
