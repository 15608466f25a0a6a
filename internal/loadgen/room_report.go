package loadgen

import (
	"fmt"
	"io"
)

// RoomShow is the room bench's session seen as a show: after the storm the viewers
// have left, the session is ended through the API and its post-live report is set
// against what the viewers sent (less what the room refused) and what the room stored.
type RoomShow struct {
	StoredComments int64 // visible comments the room stored (GET /api/v1/sessions/{id}/comments)
	Report         showReport
	Settle         float64 // seconds from the end until the report reconciled
	Reads          int
	OK             bool
}

// finish ends the session, reads the stored comments and checks the report.
func (s *RoomShow) finish(owner *Client, sessionID int64, c RoomClientResult) error {
	if err := endSession(owner, sessionID); err != nil {
		return err
	}
	for cursor := ""; ; {
		var page struct {
			Items []struct {
				Hidden bool `json:"hidden"`
			} `json:"items"`
			NextCursor string `json:"next_cursor"`
		}
		path := fmt.Sprintf("/api/v1/sessions/%d/comments?limit=200", sessionID)
		if cursor != "" {
			path += "&cursor=" + cursor
		}
		if err := owner.Do("GET", path, nil, &page, 200); err != nil {
			return err
		}
		for _, cm := range page.Items {
			if !cm.Hidden {
				s.StoredComments++
			}
		}
		if cursor = page.NextCursor; cursor == "" {
			break
		}
	}
	var err error
	s.Report, s.Settle, s.Reads, err = awaitReport(owner, sessionID, func(r showReport) bool { return s.reconciles(r, c) })
	s.OK = err == nil && s.reconciles(s.Report, c)
	return err
}

// reconciles reports whether the report's figures equal what the bench did and the
// room stored. Viewers are exact when every viewer connected; a dial that failed on
// the client's side may still have joined on the server's, so then the report may
// count up to that many more.
func (s *RoomShow) reconciles(r showReport, c RoomClientResult) bool {
	viewersOK := r.Viewers >= int64(c.Connected) && r.Viewers <= int64(c.Connected+c.Failed)
	return r.Status == "ended" && viewersOK && c.Unattributed == 0 &&
		r.Comments == s.StoredComments && r.Comments == c.CommentsSent-c.CommentsRefused &&
		r.Likes == c.LikesSent-c.LikesRefused && r.PeakOnline >= int64(c.Connected)
}

// rows are the report's lines of the results table.
func (s *RoomShow) rows(w io.Writer, c RoomClientResult) {
	r := s.Report
	fmt.Fprintf(w, "| report viewers (distinct viewers who joined the room) = viewers connected | %d = %d | equal |\n", r.Viewers, c.Connected)
	fmt.Fprintf(w, "| report comments (visible comments the room accepted) = stored visible comments = sent − refused | %d = %d = %d − %d | equal |\n",
		r.Comments, s.StoredComments, c.CommentsSent, c.CommentsRefused)
	fmt.Fprintf(w, "| report likes (viewers' likes booked per viewer) = likes sent − refused | %d = %d − %d | equal |\n",
		r.Likes, c.LikesSent, c.LikesRefused)
	fmt.Fprintf(w, "| report peak_online ≥ viewers connected | %d ≥ %d | |\n", r.PeakOnline, c.Connected)
	fmt.Fprintf(w, "| refusals not tied to a comment or a like (a viewer sending both) | %d | 0 |\n", c.Unattributed)
	fmt.Fprintf(w, "| report read after the end (?refresh=1) until it reconciled | %.2f s, %d reads | |\n", s.Settle, s.Reads)
	fmt.Fprintf(w, "| invariants | %s | hold |\n", verdict(s.OK))
}
