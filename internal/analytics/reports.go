package analytics

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"sync"

	"github.com/siyu-live/siyu"
	"github.com/siyu-live/siyu/internal/analytics/eventlog"
	"github.com/siyu-live/siyu/internal/analytics/report"
	"github.com/siyu-live/siyu/internal/crm"
	"github.com/siyu-live/siyu/internal/jobs"
	"github.com/siyu-live/siyu/internal/org"
)

// Report answers the post-live report of a session: the stored one while it is
// current (nothing was logged and no order of the session changed since, and it was
// made after the session settled), else a fresh computation, which is stored. A live
// session's report is computed on every call.
func (s *Service) Report(ctx context.Context, p org.Principal, id int64, refresh bool) (report.Report, error) {
	if err := need(p, org.PermAnalyticsView); err != nil {
		return report.Report{}, err
	}
	sess, err := report.LoadSession(ctx, s.store, p.TenantID, id)
	if err != nil {
		return report.Report{}, err
	}
	return s.report(ctx, sess, refresh)
}

// sessionLock is the lock of one session in locks (one report computation, one
// dashboard build at a time per session).
func (s *Service) sessionLock(locks map[int64]*sync.Mutex, id int64) *sync.Mutex {
	s.lockMu.Lock()
	defer s.lockMu.Unlock()
	m := locks[id]
	if m == nil {
		m = &sync.Mutex{}
		locks[id] = m
	}
	return m
}

func (s *Service) report(ctx context.Context, sess report.Session, refresh bool) (report.Report, error) {
	lock := s.sessionLock(s.reports, sess.ID)
	lock.Lock()
	defer lock.Unlock()
	if err := s.events.Flush(ctx); err != nil {
		s.log.Warn("flushing events before a report failed", "session", sess.ID, "err", err)
	}
	mark, err := report.OrdersMark(ctx, s.store, sess.TenantID, sess.ID)
	if err != nil {
		return report.Report{}, err
	}
	last, err := eventlog.LastSegment(ctx, s.store, sess.TenantID, sess.ID)
	if err != nil {
		return report.Report{}, err
	}
	if !refresh && sess.Status == "ended" {
		st, ok, err := report.LoadStored(ctx, s.store, sess.TenantID, sess.ID)
		if err != nil {
			return report.Report{}, err
		}
		if ok && st.SegmentID == last && st.OrdersMark == mark && st.ComputedAt >= sess.EndedAt+s.opt.Settle.Milliseconds() {
			var r report.Report
			if err := json.Unmarshal(st.Body, &r); err == nil {
				return r, nil
			}
		}
	}
	r, seg, err := report.Compute(ctx, s.store, sess, s.now())
	if err != nil {
		return report.Report{}, err
	}
	body, err := json.Marshal(r)
	if err != nil {
		return report.Report{}, fmt.Errorf("analytics: encode report: %w", err)
	}
	if err := report.Save(ctx, s.store, sess.TenantID, sess.ID, report.Stored{Body: body, SegmentID: max(seg, last),
		OrdersMark: mark, ComputedAt: r.ComputedAt.UnixMilli()}); err != nil {
		return report.Report{}, err
	}
	return r, nil
}

// runReportJob computes and stores the report of a session that ended.
func (s *Service) runReportJob(ctx context.Context, j jobs.Job) error {
	var p reportPayload
	if err := json.Unmarshal(j.Payload, &p); err != nil {
		return jobs.Permanent(fmt.Errorf("analytics: report job payload: %w", err))
	}
	sess, err := report.LoadSession(ctx, s.store, j.TenantID, p.SessionID)
	if siyu.ErrorCode(err) == siyu.ENOTFOUND {
		return jobs.Permanent(err)
	} else if err != nil {
		return err
	}
	_, err = s.report(ctx, sess, true)
	return err
}

// ReportXLSX writes the report as an Excel workbook; the customer sheet lists names
// only for roles that may view customers.
func (s *Service) ReportXLSX(ctx context.Context, p org.Principal, id int64, w io.Writer) error {
	r, err := s.Report(ctx, p, id, false)
	if err != nil {
		return err
	}
	var conv, non []report.CustomerRow
	if p.Can(org.PermCustomersView) {
		sess, err := report.LoadSession(ctx, s.store, p.TenantID, id)
		if err != nil {
			return err
		}
		if conv, non, err = report.CustomerGroups(ctx, s.store, sess); err != nil {
			return err
		}
	}
	return report.WriteXLSX(w, r, conv, non, s.opt.Location)
}

// groupRows lists one customer group of a session.
func (s *Service) groupRows(ctx context.Context, p org.Principal, id int64, group string) ([]report.CustomerRow, error) {
	if group != report.GroupConverted && group != report.GroupNonConverted {
		return nil, siyu.Invalid("group", "group must be %s or %s", report.GroupConverted, report.GroupNonConverted)
	}
	sess, err := report.LoadSession(ctx, s.store, p.TenantID, id)
	if err != nil {
		return nil, err
	}
	conv, non, err := report.CustomerGroups(ctx, s.store, sess)
	if err != nil {
		return nil, err
	}
	if group == report.GroupConverted {
		return conv, nil
	}
	return non, nil
}

// ReportCustomers pages through one customer group of a session (cursor: the
// previous page's next_cursor), converted customers by amount paid, the others by
// watch time.
func (s *Service) ReportCustomers(ctx context.Context, p org.Principal, id int64, group, cursor string, limit int) ([]report.CustomerRow, string, error) {
	if err := need(p, org.PermAnalyticsView, org.PermCustomersView); err != nil {
		return nil, "", err
	}
	if limit <= 0 {
		limit = 50
	}
	if limit > 500 {
		return nil, "", siyu.Invalid("limit", "limit must be 1–500")
	}
	from := 0
	if cursor != "" {
		n, err := strconv.Atoi(cursor)
		if err != nil || n < 0 {
			return nil, "", siyu.Invalid("cursor", "cursor is not one this list gave")
		}
		from = n
	}
	rows, err := s.groupRows(ctx, p, id, group)
	if err != nil {
		return nil, "", err
	}
	from = min(from, len(rows))
	to := min(from+limit, len(rows))
	next := ""
	if to < len(rows) {
		next = strconv.Itoa(to)
	}
	return rows[from:to], next, nil
}

// TagInput is the body of POST /api/v1/sessions/{id}/report/tag.
type TagInput struct {
	Group string   `json:"group"` // converted | non_converted
	Tags  []string `json:"tags"`
}

// TagResult says how the tagging went.
type TagResult struct {
	Group     string `json:"group"`
	Customers int    `json:"customers"` // in the group
	Tagged    int    `json:"tagged"`
	Skipped   int    `json:"skipped"` // erased or otherwise refused by the CRM
}

// TagCustomers puts manual tags on every customer of a group of the session (the
// console's "tag them" button; a segment on the tag then reaches them in a broadcast).
// Tagging is idempotent, so a call cut short is finished by calling again.
func (s *Service) TagCustomers(ctx context.Context, p org.Principal, id int64, in TagInput) (TagResult, error) {
	if err := need(p, org.PermAnalyticsView, org.PermCustomersManage); err != nil {
		return TagResult{}, err
	}
	if s.opt.Tagger == nil {
		return TagResult{}, siyu.Errorf(siyu.ECONFLICT, "tagging customers is not available")
	}
	if len(in.Tags) == 0 || len(in.Tags) > crm.MaxTagsPerCall {
		return TagResult{}, siyu.Invalid("tags", "give 1–%d tag names", crm.MaxTagsPerCall)
	}
	for _, t := range in.Tags {
		if _, err := crm.CheckTagName("tags", t); err != nil {
			return TagResult{}, err
		}
	}
	rows, err := s.groupRows(ctx, p, id, in.Group)
	if err != nil {
		return TagResult{}, err
	}
	res := TagResult{Group: in.Group, Customers: len(rows)}
	for _, r := range rows {
		_, err := s.opt.Tagger.AddTags(ctx, p, r.CustomerID, crm.TagsInput{Tags: in.Tags})
		switch {
		case err == nil:
			res.Tagged++
		case errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded):
			return res, err
		case siyu.ErrorCode(err) == siyu.ECONFLICT || siyu.ErrorCode(err) == siyu.ENOTFOUND:
			res.Skipped++
		default:
			return res, err
		}
	}
	return res, nil
}
