package web

import (
	"context"

	"github.com/siyu-live/siyu/internal/crm/segment"
)

// followupSegment is the segment of everyone carrying tag, made the first time the
// report's "follow up" button sends an operator here: the report tags its converted or
// non-converted customers, and a broadcast reaches segments, so the one click from the
// report lands on a form that already addresses those customers.
func (c *Console) followupSegment(ctx context.Context, q *rq, tag string) (int64, error) {
	rule := "tag:" + tag // tag names hold no spaces, parentheses, quotes, colons or commas
	all, err := c.Segments.List(ctx, q.p)
	if err != nil {
		return 0, err
	}
	for _, s := range all {
		if s.Rule == rule {
			return s.ID, nil
		}
	}
	s, err := c.Segments.Create(ctx, q.p, segment.Input{Name: c.tr(q.lang, "reach.followup.segment", tag), Rule: rule,
		Description: c.tr(q.lang, "reach.followup.desc")})
	if err != nil {
		return 0, err
	}
	return s.ID, nil
}
