package web

import (
	"encoding/json"
	"time"
)

// writeLoginToken answers a page script's request for a bearer token of the signed-in
// staff member ({"token","expires_at"}), expiring with the console session. Callers
// check the permission and the route must be a CSRF-checked POST, so another site
// cannot mint one.
func (c *Console) writeLoginToken(q *rq) error {
	u, err := c.Org.GetStaff(q.r.Context(), q.p, q.p.UserID)
	if err != nil {
		return err
	}
	tok, err := c.Org.IssueLoginToken(q.r.Context(), u)
	if err != nil {
		return err
	}
	h := q.w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Cache-Control", "no-store")
	return json.NewEncoder(q.w).Encode(map[string]any{"token": tok,
		"expires_at": time.Now().Add(c.Config.SessionTTL).UTC().Format(time.RFC3339)})
}
