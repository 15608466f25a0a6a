package live

import (
	"context"
	"fmt"
	"time"

	"github.com/siyu-live/siyu"
)

// Popularity is one live_popularity row's counters: what a session gathered in one
// hour. The room engine writes them (orders come with the commerce domain).
type Popularity struct {
	Viewers, Comments, Likes, Shares, Follows, GiftValue, Orders int64
}

// Score is the popularity score of docs/rankings.md:
//
//	10·viewers + 3·comments + 0.1·likes + 5·shares + 5·follows + 0.1·gift_value_fen + 50·orders
//
// A viewer is worth ten points, a yuan of gifts as much as a viewer, ten likes as much
// as one viewer (likes are tapped in bursts), and an order five viewers.
func Score(p Popularity) float64 { return float64(score10(p)) / 10 }

func score10(p Popularity) int64 {
	return 100*p.Viewers + 30*p.Comments + p.Likes + 50*p.Shares + 50*p.Follows + p.GiftValue + 500*p.Orders
}

// score10SQL is Score×10 in SQL, integer so both engines sum it exactly.
const score10SQL = `SUM(100*p.viewers + 30*p.comments + p.likes + 50*p.shares + 50*p.follows + p.gift_value + 500*p.orders)`

// HourOf is the live_popularity.hour of t: whole hours since the Unix epoch
// (unix seconds / 3600), the bucket the room engine writes its counters to.
func HourOf(t time.Time) int64 { return t.Unix() / 3600 }

// Ranked is one session in a public list. Only what a poster shows is exposed: the
// lists are the platform's public discovery, across brands.
type Ranked struct {
	Rank         int       `json:"rank,omitempty"`
	SessionID    int64     `json:"session_id"`
	Title        string    `json:"title"`
	CoverURL     string    `json:"cover_url"`
	HostName     string    `json:"host_name"`
	Brand        string    `json:"brand"`
	Status       string    `json:"status"`
	Score        float64   `json:"score"`
	Online       int       `json:"online"`   // viewers in the room now (the room engine's count); 0 unless live
	Featured     bool      `json:"featured"` // in its brand's weekly top N
	ScheduledAt  time.Time `json:"scheduled_at,omitzero"`
	Reservations int       `json:"reservations,omitempty"`
	EntryURL     string    `json:"entry_url"`
}

// Ranking is the answer of GET /api/v1/rankings.
type Ranking struct {
	Period string    `json:"period"`
	From   time.Time `json:"from"`
	To     time.Time `json:"to"`
	Items  []Ranked  `json:"items"`
}

type rankedRow struct {
	ID           int64  `db:"id"`
	TenantID     int64  `db:"tenant_id"`
	Title        string `db:"title"`
	CoverURL     string `db:"cover_url"`
	Status       string `db:"status"`
	HostName     string `db:"host_name"`
	Brand        string `db:"brand"`
	ScheduledAt  int64  `db:"scheduled_at"`
	Score10      int64  `db:"score10"`
	Reservations int    `db:"reservations"`
}

const rankedCols = `s.id, s.tenant_id, s.title, s.cover_url, s.status, COALESCE(u.name, '') AS host_name, t.name AS brand, s.scheduled_at`

const rankedJoins = ` JOIN tenants t ON t.id = s.tenant_id LEFT JOIN users u ON u.id = s.host_id`

// window returns [from, to) of the hour or the ISO week (Monday 00:00, China time by
// default) containing at.
func (s *Service) window(period string, at time.Time) (time.Time, time.Time, error) {
	switch period {
	case "hour", "":
		from := at.Truncate(time.Hour)
		return from, from.Add(time.Hour), nil
	case "week":
		lt := at.In(s.loc)
		monday := time.Date(lt.Year(), lt.Month(), lt.Day()-(int(lt.Weekday())+6)%7, 0, 0, 0, 0, s.loc)
		return monday, monday.AddDate(0, 0, 7), nil
	}
	return time.Time{}, time.Time{}, siyu.Invalid("period", "period must be hour or week")
}

func (s *Service) ranked(r rankedRow) Ranked {
	out := Ranked{SessionID: r.ID, Title: r.Title, CoverURL: r.CoverURL, HostName: r.HostName, Brand: r.Brand,
		Status: r.Status, Score: float64(r.Score10) / 10, ScheduledAt: msTime(r.ScheduledAt),
		Reservations: r.Reservations, EntryURL: s.entryURL(r.ID)}
	if r.Status == StatusLive && s.online != nil {
		out.Online = s.online.Online(r.ID)
	}
	return out
}

func (s *Service) rank(ctx context.Context, from, to time.Time, limit int) ([]rankedRow, error) {
	var rows []rankedRow
	err := s.store.SelectContext(ctx, &rows, `SELECT `+rankedCols+`, x.score10 FROM (SELECT p.session_id, `+score10SQL+` AS score10
		FROM live_popularity p WHERE p.hour >= ? AND p.hour < ? GROUP BY p.session_id) x
		JOIN live_sessions s ON s.id = x.session_id`+rankedJoins+`
		WHERE s.status <> ? ORDER BY x.score10 DESC, s.id LIMIT ?`, HourOf(from), HourOf(to), StatusDraft, limit)
	if err != nil {
		return nil, fmt.Errorf("live: ranking: %w", err)
	}
	return rows, nil
}

// featured returns the sessions of the weekly ranking containing at that are within
// their own brand's WeeklyTopN (the rooms that get extra exposure).
func (s *Service) featured(ctx context.Context, at time.Time) (map[int64]int, error) {
	from, to, _ := s.window("week", at)
	rows, err := s.rank(ctx, from, to, 10000)
	if err != nil {
		return nil, err
	}
	topN := map[int64]int{}
	out := map[int64]int{}
	for i, r := range rows {
		n, ok := topN[r.TenantID]
		if !ok {
			set, err := s.settings(ctx, r.TenantID)
			if err != nil {
				return nil, err
			}
			n, topN[r.TenantID] = set.WeeklyTopN, set.WeeklyTopN
		}
		if i < n {
			out[r.ID] = i + 1
		}
	}
	return out, nil
}

// Rankings returns the top sessions of the hour or ISO week containing at (the clock's
// now when zero), across brands.
func (s *Service) Rankings(ctx context.Context, period string, at time.Time, limit int) (Ranking, error) {
	if at.IsZero() {
		at = s.now()
	}
	from, to, err := s.window(period, at)
	if err != nil {
		return Ranking{}, err
	}
	if period == "" {
		period = "hour"
	}
	rows, err := s.rank(ctx, from, to, limit)
	if err != nil {
		return Ranking{}, err
	}
	feat, err := s.featured(ctx, at)
	if err != nil {
		return Ranking{}, err
	}
	out := Ranking{Period: period, From: from.UTC(), To: to.UTC(), Items: make([]Ranked, len(rows))}
	for i, r := range rows {
		out.Items[i] = s.ranked(r)
		out.Items[i].Rank = i + 1
		_, out.Items[i].Featured = feat[r.ID]
	}
	return out, nil
}

// Discovery is the answer of GET /api/v1/discover.
type Discovery struct {
	Live     []Ranked `json:"live"`
	Upcoming []Ranked `json:"upcoming"`
}

// Discover lists live sessions by this hour's score, then upcoming scheduled sessions
// (starting at most a day late) by reservations and start time; sessions in their
// brand's weekly top N are flagged featured.
func (s *Service) Discover(ctx context.Context, limit int) (Discovery, error) {
	now := s.now()
	hour := HourOf(now)
	var live, upcoming []rankedRow
	err := s.store.SelectContext(ctx, &live, `SELECT `+rankedCols+`, COALESCE(x.score10, 0) AS score10 FROM live_sessions s
		LEFT JOIN (SELECT p.session_id, `+score10SQL+` AS score10 FROM live_popularity p WHERE p.hour = ? GROUP BY p.session_id) x
		ON x.session_id = s.id`+rankedJoins+` WHERE s.status = ? ORDER BY score10 DESC, s.id LIMIT ?`, hour, StatusLive, limit)
	if err != nil {
		return Discovery{}, fmt.Errorf("live: discover live: %w", err)
	}
	err = s.store.SelectContext(ctx, &upcoming, `SELECT `+rankedCols+`, 0 AS score10,
		(SELECT COUNT(*) FROM reservations r WHERE r.session_id = s.id) AS reservations
		FROM live_sessions s`+rankedJoins+` WHERE s.status = ? AND s.scheduled_at >= ?
		ORDER BY reservations DESC, s.scheduled_at, s.id LIMIT ?`, StatusScheduled, now.Add(-24*time.Hour).UnixMilli(), limit)
	if err != nil {
		return Discovery{}, fmt.Errorf("live: discover upcoming: %w", err)
	}
	feat, err := s.featured(ctx, now)
	if err != nil {
		return Discovery{}, err
	}
	out := Discovery{Live: make([]Ranked, len(live)), Upcoming: make([]Ranked, len(upcoming))}
	for i, r := range live {
		out.Live[i] = s.ranked(r)
		out.Live[i].Rank = i + 1
		_, out.Live[i].Featured = feat[r.ID]
	}
	for i, r := range upcoming {
		out.Upcoming[i] = s.ranked(r)
		_, out.Upcoming[i].Featured = feat[r.ID]
	}
	return out, nil
}
