package eventlog

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/siyu-live/siyu/internal/db"
)

// rowsPerInsert is how many segment rows one INSERT carries (7 parameters each).
const rowsPerInsert = 200

type sessionKey struct{ tenant, session int64 }

// segment is one row to insert: a run of one session's events, encoded.
type segment struct {
	key           sessionKey
	first, last   int64
	events        int
	data          []byte
	start, length int // of data within the flush's shared buffer
}

// writeSegments groups a batch by session (each group in time order, split at
// MaxSegmentEvents), encodes the groups and inserts them in one transaction.
func writeSegments(ctx context.Context, store *db.DB, batch []Event, now int64) (int, error) {
	if len(batch) == 0 {
		return 0, nil
	}
	groups := map[sessionKey][]Event{}
	var order []sessionKey
	for _, e := range batch {
		k := sessionKey{e.TenantID, e.SessionID}
		if _, ok := groups[k]; !ok {
			order = append(order, k)
		}
		groups[k] = append(groups[k], e)
	}
	var segs []segment
	var buf []byte
	for _, k := range order {
		evs := groups[k]
		byTime := func(a, b Event) int { return cmp.Compare(a.At, b.At) }
		if !slices.IsSortedFunc(evs, byTime) {
			slices.SortFunc(evs, byTime) // events arrive nearly in order; ties may swap
		}
		for start := 0; start < len(evs); start += MaxSegmentEvents {
			part := evs[start:min(start+MaxSegmentEvents, len(evs))]
			off := len(buf)
			buf = Encode(buf, part)
			segs = append(segs, segment{key: k, first: part[0].At, last: part[len(part)-1].At, events: len(part),
				start: off, length: len(buf) - off})
		}
	}
	for i := range segs {
		segs[i].data = buf[segs[i].start : segs[i].start+segs[i].length]
	}
	err := store.Tx(ctx, func(tx *db.Tx) error {
		for start := 0; start < len(segs); start += rowsPerInsert {
			part := segs[start:min(start+rowsPerInsert, len(segs))]
			var q strings.Builder
			q.WriteString(`INSERT INTO analytics_segments (tenant_id, session_id, first_at, last_at, events, data, created_at) VALUES `)
			args := make([]any, 0, 7*len(part))
			for i, s := range part {
				if i > 0 {
					q.WriteString(", ")
				}
				q.WriteString("(?, ?, ?, ?, ?, ?, ?)")
				args = append(args, s.key.tenant, s.key.session, s.first, s.last, s.events, s.data, now)
			}
			if _, err := tx.ExecContext(ctx, q.String(), args...); err != nil {
				return fmt.Errorf("eventlog: insert segments: %w", err)
			}
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	return len(segs), nil
}

// Scan calls fn with the events of one session in segments written after segment id
// after (0 for all), in write order; within a segment events are in time order. The
// slice is reused between calls: fn must not keep it. It returns the id of the last
// segment read (after when there was none), the watermark a later Scan continues from.
func Scan(ctx context.Context, q db.Querier, tenantID, sessionID, after int64, fn func(evs []Event) error) (int64, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, data FROM analytics_segments WHERE tenant_id = ? AND session_id = ? AND id > ?
		ORDER BY id`, tenantID, sessionID, after)
	if err != nil {
		return after, fmt.Errorf("eventlog: read segments: %w", err)
	}
	defer rows.Close()
	last := after
	var buf []Event
	var data []byte
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id, &data); err != nil {
			return last, fmt.Errorf("eventlog: read segment: %w", err)
		}
		evs, err := Decode(buf, data)
		if err != nil {
			return last, fmt.Errorf("eventlog: segment %d: %w", id, err)
		}
		buf = evs
		for i := range evs {
			evs[i].TenantID, evs[i].SessionID = tenantID, sessionID
		}
		if err := fn(evs); err != nil {
			return last, err
		}
		last = id
	}
	if err := rows.Err(); err != nil {
		return last, fmt.Errorf("eventlog: read segments: %w", err)
	}
	return last, nil
}

// LastSegment is the id of a session's newest segment (0 when it has none): a report
// made up to it is current as long as it stays the same.
func LastSegment(ctx context.Context, q db.Querier, tenantID, sessionID int64) (int64, error) {
	var id int64
	err := q.GetContext(ctx, &id, `SELECT COALESCE(MAX(id), 0) FROM analytics_segments WHERE tenant_id = ? AND session_id = ?`,
		tenantID, sessionID)
	if err != nil {
		return 0, fmt.Errorf("eventlog: last segment: %w", err)
	}
	return id, nil
}
