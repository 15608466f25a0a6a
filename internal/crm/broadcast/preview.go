package broadcast

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/siyu-live/siyu"

	"github.com/siyu-live/siyu/internal/db"
	"github.com/siyu-live/siyu/internal/org"
)

// AudiencePreview is one audience as a send now would see it: how many customers it
// holds, how many of them it would send to once customers already in an earlier
// audience are removed, and its talk-track filled for one of them.
type AudiencePreview struct {
	Kind       string `json:"kind"`
	ID         int64  `json:"id"`
	Name       string `json:"name"`
	Members    int    `json:"members"`
	Recipients int    `json:"recipients"`
	Sample     string `json:"sample"`
	SampleName string `json:"sample_name"` // whose values filled the sample
}

// Preview is what a broadcast would send now.
type Preview struct {
	Recipients int               `json:"recipients"`
	Title      string            `json:"title"`
	Audiences  []AudiencePreview `json:"audiences"`
	Notes      []string          `json:"notes,omitempty"` // audiences that would be skipped
}

// Preview evaluates an unsaved broadcast: audience sizes after removing repeats and a
// sample message per audience, filled with the first recipient's name.
func (s *Service) Preview(ctx context.Context, p org.Principal, in Input) (Preview, error) {
	if err := need(p); err != nil {
		return Preview{}, err
	}
	st, err := s.check(ctx, p.TenantID, in)
	if err != nil {
		return Preview{}, err
	}
	return s.preview(ctx, p.TenantID, st)
}

// PreviewSaved is Preview of a saved broadcast.
func (s *Service) PreviewSaved(ctx context.Context, p org.Principal, id int64) (Preview, error) {
	if err := need(p); err != nil {
		return Preview{}, err
	}
	r, err := getRow(ctx, s.store, p.TenantID, id)
	if err != nil {
		return Preview{}, err
	}
	st, err := r.settings()
	if err != nil {
		return Preview{}, err
	}
	return s.preview(ctx, p.TenantID, st)
}

func (s *Service) preview(ctx context.Context, tenantID int64, st settings) (Preview, error) {
	lp, err := s.opt.Live.Preview(ctx, st.SessionID)
	if err != nil {
		return Preview{}, err
	}
	v := s.values(lp, st)
	sets, sizes, notes, err := s.audienceSets(ctx, tenantID, st.Audiences)
	if err != nil {
		return Preview{}, err
	}
	out := Preview{Title: st.Title, Notes: notes}
	if out.Title == "" {
		out.Title = v.LiveTitle
	}
	link := s.linkURL("…")
	for i, a := range st.Audiences {
		ap := AudiencePreview{Kind: a.Kind, ID: a.ID, Members: sizes[i], Recipients: len(sets[i])}
		ap.Name, _ = s.audienceName(ctx, tenantID, a, false)
		if len(sets[i]) > 0 {
			ap.SampleName = customerName(ctx, s.store, tenantID, sets[i][0])
		}
		ap.Sample = s.render(a.Text, v, ap.SampleName, link)
		out.Recipients += ap.Recipients
		out.Audiences = append(out.Audiences, ap)
	}
	return out, nil
}

func customerName(ctx context.Context, q db.Querier, tenantID, id int64) string {
	var name string
	if err := q.GetContext(ctx, &name, `SELECT name FROM customers WHERE tenant_id = ? AND id = ?`, tenantID, id); err != nil {
		return ""
	}
	return name
}

// Recipients pages a broadcast's recipients by id (cursor: the last id seen),
// optionally of one status or stage, with the counts per status.
func (s *Service) Recipients(ctx context.Context, p org.Principal, id int64, filter, cursor string, limit int) (RecipientPage, error) {
	if err := need(p); err != nil {
		return RecipientPage{}, err
	}
	if filter != "" && !slices.Contains(RecipientFilters, filter) {
		return RecipientPage{}, siyu.Invalid("status", "status must be one of %s", strings.Join(RecipientFilters, ", "))
	}
	var after int64
	if cursor != "" {
		n, err := strconv.ParseInt(cursor, 10, 64)
		if err != nil || n < 0 {
			return RecipientPage{}, siyu.Invalid("cursor", "cursor must be the next_cursor of the previous page")
		}
		after = n
	}
	if limit <= 0 || limit > 200 {
		limit = 50
	}
	r, err := getRow(ctx, s.store, p.TenantID, id)
	if err != nil {
		return RecipientPage{}, err
	}
	items, err := listRecipients(ctx, s.store, p.TenantID, id, r.SessionID, filter, after, limit)
	if err != nil {
		return RecipientPage{}, err
	}
	out := RecipientPage{Items: items}
	if len(items) == limit {
		out.NextCursor = fmt.Sprint(items[len(items)-1].ID)
	}
	if out.Counts, err = countRecipients(ctx, s.store, p.TenantID, id, r.SessionID); err != nil {
		return RecipientPage{}, err
	}
	return out, nil
}
