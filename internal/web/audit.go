package web

import (
	"net/http"
	"strconv"

	"github.com/siyu-live/siyu"
	"github.com/siyu-live/siyu/internal/audit"
	"github.com/siyu-live/siyu/internal/org"
)

const auditPageSize = 50

// auditData is one page of the audit log, newest first; Older is the id to continue
// from, 0 on the last page.
type auditData struct {
	Entries []audit.Entry
	Older   int64
	Paged   bool // not the newest page: offer a link back to it
}

func (c *Console) auditPage(q *rq) error {
	if !q.p.Can(org.PermAuditView) {
		return siyu.Errorf(siyu.EFORBIDDEN, "only owners and admins may read the audit log")
	}
	var before int64
	if s := q.r.URL.Query().Get("before"); s != "" {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || n <= 0 {
			return siyu.Errorf(siyu.ENOTFOUND, "not_found")
		}
		before = n
	}
	entries, err := c.Org.AuditLog(q.r.Context(), q.p, before, auditPageSize)
	if err != nil {
		return err
	}
	d := auditData{Entries: entries, Paged: before > 0}
	if len(entries) == auditPageSize {
		d.Older = entries[len(entries)-1].ID
	}
	q.render(http.StatusOK, "audit", "nav.audit", d)
	return nil
}
