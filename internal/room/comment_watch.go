package room

import "time"

// ViewerComment is a viewer's comment the room accepted and stored, as told to a
// CommentWatcher: shown in the room (not held back by a banned word, not from a muted
// or banned viewer, not from staff).
type ViewerComment struct {
	TenantID  int64
	SessionID int64
	ViewerID  int64
	CommentID int64 // the room_events id
	Nickname  string
	Text      string
	At        time.Time
}

// CommentWatcher is told about every accepted viewer comment once it is stored, so
// in-room tools can act on comments (comment-to-buy: "+1" drafts an order) without
// the room knowing them. OnComment is called on the room's goroutine: it must return
// at once and never touch the store, handing any work to its own goroutines or
// queue. Comments stored by other nodes are told there, so each comment is told
// once in a cluster.
type CommentWatcher interface {
	OnComment(c ViewerComment)
}

// SetCommentWatcher attaches the comment watcher after construction (the in-room
// tools are built after the rooms); call it before Start.
func (s *Service) SetCommentWatcher(w CommentWatcher) { s.opt.Comments = w }

// watchComments tells the watcher about the viewer comments of a committed batch.
func (h *hub) watchComments(events []*event) {
	w := h.svc.opt.Comments
	if w == nil {
		return
	}
	for _, e := range events {
		if e.Kind != KindComment || e.Hidden != Visible || e.staff() || e.ViewerID == 0 {
			continue
		}
		w.OnComment(ViewerComment{TenantID: e.TenantID, SessionID: h.id, ViewerID: e.ViewerID, CommentID: e.ID,
			Nickname: e.Nickname, Text: e.Text, At: time.UnixMilli(e.At).UTC()})
	}
}
