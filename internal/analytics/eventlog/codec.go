package eventlog

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// The segment format, version 1 (docs/analytics.md):
//
//	'A' 1                 magic and version
//	uvarint n             events in the segment
//	varint  base          unix ms the time deltas start from
//	n bytes               kinds
//	n varints             At − previous At (the first against base)
//	n varints             ViewerID − previous ViewerID (the first against 0)
//	n varints × 4         EntryLinkID, RefID, Amount, Aux
//
// Columns of similar numbers with small deltas compress to one or two bytes each, so
// an event costs about 8 bytes on disk. Tenant and session are the segment row's.
const (
	magic       = 'A'
	version     = 1
	minEventLen = 7 // a kind byte and six one-byte varints
)

// MaxSegmentEvents bounds the events of one segment, so decoding one never allocates
// more than a few megabytes and a corrupt count cannot ask for more.
const MaxSegmentEvents = 1 << 16

// ErrCorrupt is returned for data that is not a segment of this format.
var ErrCorrupt = errors.New("eventlog: corrupt segment")

// Encode appends the segment encoding of evs (at most MaxSegmentEvents, of one
// session) to dst.
func Encode(dst []byte, evs []Event) []byte {
	base := int64(0)
	if len(evs) > 0 {
		base = evs[0].At
	}
	dst = append(dst, magic, version)
	dst = binary.AppendUvarint(dst, uint64(len(evs)))
	dst = binary.AppendVarint(dst, base)
	for i := range evs {
		dst = append(dst, byte(evs[i].Kind))
	}
	prev := base
	for i := range evs {
		dst = binary.AppendVarint(dst, evs[i].At-prev)
		prev = evs[i].At
	}
	prev = 0
	for i := range evs {
		dst = binary.AppendVarint(dst, evs[i].ViewerID-prev)
		prev = evs[i].ViewerID
	}
	for i := range evs {
		dst = binary.AppendVarint(dst, evs[i].EntryLinkID)
	}
	for i := range evs {
		dst = binary.AppendVarint(dst, evs[i].RefID)
	}
	for i := range evs {
		dst = binary.AppendVarint(dst, evs[i].Amount)
	}
	for i := range evs {
		dst = binary.AppendVarint(dst, evs[i].Aux)
	}
	return dst
}

// Decode decodes a segment into buf (reused when large enough) and returns the events;
// TenantID and SessionID are left zero for the caller to fill. Anything malformed is
// ErrCorrupt, never a panic: segments are read back from the store, which another
// program may have touched.
func Decode(buf []Event, data []byte) ([]Event, error) {
	if len(data) < 2 || data[0] != magic {
		return nil, ErrCorrupt
	}
	if data[1] != version {
		return nil, fmt.Errorf("%w: version %d", ErrCorrupt, data[1])
	}
	r := reader{b: data[2:]}
	n := r.uvarint()
	base := r.varint()
	if r.bad || n > MaxSegmentEvents || n*minEventLen > uint64(len(r.b)) {
		return nil, ErrCorrupt
	}
	if uint64(cap(buf)) < n {
		buf = make([]Event, n)
	}
	evs := buf[:n]
	clear(evs)
	kinds := r.take(int(n))
	for i := range evs {
		evs[i].Kind = Kind(kinds[i])
	}
	prev := base
	for i := range evs {
		prev += r.varint()
		evs[i].At = prev
	}
	prev = 0
	for i := range evs {
		prev += r.varint()
		evs[i].ViewerID = prev
	}
	for i := range evs {
		evs[i].EntryLinkID = r.varint()
	}
	for i := range evs {
		evs[i].RefID = r.varint()
	}
	for i := range evs {
		evs[i].Amount = r.varint()
	}
	for i := range evs {
		evs[i].Aux = r.varint()
	}
	if r.bad || len(r.b) != 0 {
		return nil, ErrCorrupt
	}
	return evs, nil
}

// reader reads varints and remembers the first failure, so Decode checks once.
type reader struct {
	b   []byte
	bad bool
}

func (r *reader) uvarint() uint64 {
	v, n := binary.Uvarint(r.b)
	if n <= 0 {
		r.bad, r.b = true, nil
		return 0
	}
	r.b = r.b[n:]
	return v
}

func (r *reader) varint() int64 {
	v, n := binary.Varint(r.b)
	if n <= 0 {
		r.bad, r.b = true, nil
		return 0
	}
	r.b = r.b[n:]
	return v
}

func (r *reader) take(n int) []byte {
	if len(r.b) < n {
		r.bad = true
		out := make([]byte, n)
		r.b = nil
		return out
	}
	out := r.b[:n]
	r.b = r.b[n:]
	return out
}
