package main

import (
	"fmt"
	"regexp"
	"testing"
)

var (
	roomViewersRow  = regexp.MustCompile(`\| report viewers \(distinct viewers who joined the room\) = viewers connected \| (\d+) = (\d+) \|`)
	roomCommentsRow = regexp.MustCompile(`\| report comments \(visible comments the room accepted\) = stored visible comments = sent − refused \| (\d+) = (\d+) = (\d+) − (\d+) \|`)
	roomLikesRow    = regexp.MustCompile(`\| report likes \(viewers' likes booked per viewer\) = likes sent − refused \| (\d+) = (\d+) − (\d+) \|`)
	roomPeakRow     = regexp.MustCompile(`\| report peak_online ≥ viewers connected \| (\d+) ≥ (\d+) \|`)
)

// TestBenchRoomRuns runs `siyu bench room` small, with three senders commenting and
// five likers liking faster than a viewer may, so the room refuses some of each: the
// ended session's post-live report must count exactly the viewers who joined, the
// comments and likes the room accepted (sent less refused) and the comments it stored,
// and the command must report its invariants holding.
func TestBenchRoomRuns(t *testing.T) {
	out := runBench(t, "room", "--viewers", "120", "--senders", "3", "--likers", "5", "--comments", "30",
		"--likes", "300", "--duration", "3s", "--sample", "20", "--report", "")
	viewers, comments, likes, peak := ints(roomViewersRow, out), ints(roomCommentsRow, out), ints(roomLikesRow, out), ints(roomPeakRow, out)
	// 10 comments/s per sender against 5 allowed, 60 likes/s per liker against 20
	// messages: both kinds are refused, and what the room took is what the report says.
	if fmt.Sprint(viewers) != "[120 120]" || comments == nil || comments[0] != comments[1] || comments[0] != comments[2]-comments[3] ||
		comments[3] == 0 || comments[0] == 0 || likes == nil || likes[0] != likes[1]-likes[2] || likes[2] == 0 || likes[0] == 0 ||
		peak == nil || peak[0] < 120 {
		t.Fatalf("report rows: viewers %v, comments %v, likes %v, peak %v:\n%s", viewers, comments, likes, peak, out)
	}
}
