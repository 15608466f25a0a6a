package live

import "time"

// Viewer is an audience member of one tenant: a guest with a nickname, upgraded to a
// known customer once a phone number is verified. The token (shown once) authenticates
// the viewer's API calls and WebSocket.
type Viewer struct {
	ID          int64     `json:"viewer_id"`
	TenantID    int64     `json:"-"`
	SessionID   int64     `json:"session_id"`
	Nickname    string    `json:"nickname"`
	EntryLinkID int64     `json:"entry_link_id,omitempty"`
	Phone       string    `json:"phone,omitempty"` // masked outside the viewer's own answers
	CustomerID  int64     `json:"customer_id,omitempty"`
	Known       bool      `json:"known"`
	CreatedAt   time.Time `json:"created_at"`
}
