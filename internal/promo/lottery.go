package promo

import (
	"time"

	"github.com/siyu-live/siyu"
)

// Lottery limits (ours).
const (
	MaxLotteryWinners  = 1000
	maxPrizeRunes      = 60
	maxPasswordRunes   = 32
	maxWatchMinutes    = 600
	minDrawAfterSecond = 1
	maxDrawAfterSecond = 86400
	LotteryOpen        = "open"
	LotteryDrawn       = "drawn"
)

// LotteryInput is the body of POST /api/v1/sessions/{id}/lotteries.
type LotteryInput struct {
	Prize     string `json:"prize"`     // what is won, 1–60 characters
	Winners   int    `json:"winners"`   // how many win, 1–1000
	Condition string `json:"condition"` // none | follow | share | password
	Password  string `json:"password,omitempty"`
	// DrawAfterSeconds is the delay from launch to the automatic draw, 1–86400; the
	// tenant's lottery_draw_delay_seconds (60) when absent.
	DrawAfterSeconds int `json:"draw_after_seconds,omitempty"`
	// MinWatchMinutes, when set, also requires having watched the session that long.
	MinWatchMinutes int `json:"min_watch_minutes,omitempty"`
}

func (in *LotteryInput) check(defaultDelay int) error {
	prize, err := cleanText("prize", in.Prize, maxPrizeRunes)
	if err != nil {
		return err
	}
	if prize == "" {
		return siyu.Invalid("prize", "prize is required: say what the winners get")
	}
	in.Prize = prize
	if in.Winners < 1 || in.Winners > MaxLotteryWinners {
		return siyu.Invalid("winners", "winners must be between 1 and %d, got %d", MaxLotteryWinners, in.Winners)
	}
	switch in.Condition {
	case "":
		in.Condition = ConditionNone
	case ConditionNone, ConditionFollow, ConditionShare, ConditionPassword:
	default:
		return siyu.Invalid("condition", `condition must be "none", "follow", "share" or "password", got %q`, in.Condition)
	}
	pw, err := cleanText("password", in.Password, maxPasswordRunes)
	if err != nil {
		return err
	}
	switch {
	case in.Condition == ConditionPassword && pw == "":
		return siyu.Invalid("password", "password is required when the condition is password")
	case in.Condition != ConditionPassword && pw != "":
		return siyu.Invalid("password", "password is only used with the password condition")
	}
	in.Password = pw
	switch {
	case in.DrawAfterSeconds == 0:
		in.DrawAfterSeconds = defaultDelay
	case in.DrawAfterSeconds < minDrawAfterSecond || in.DrawAfterSeconds > maxDrawAfterSecond:
		return siyu.Invalid("draw_after_seconds", "draw_after_seconds must be between %d and %d, got %d",
			minDrawAfterSecond, maxDrawAfterSecond, in.DrawAfterSeconds)
	}
	if in.MinWatchMinutes < 0 || in.MinWatchMinutes > maxWatchMinutes {
		return siyu.Invalid("min_watch_minutes", "min_watch_minutes must be between 0 and %d, got %d", maxWatchMinutes, in.MinWatchMinutes)
	}
	return nil
}

// Lottery is a lottery as published: to staff, to the session's viewers and (by its
// commitment) to anyone. Seed is empty until the draw; Entrants are viewer ids in entry
// order and Winners viewer ids in draw order, so anyone can recompute the draw with
// DrawWinners (docs/lottery.md).
type Lottery struct {
	ID              int64     `json:"id"`
	SessionID       int64     `json:"session_id"`
	Prize           string    `json:"prize"`
	WinnerCount     int       `json:"winner_count"`
	Condition       string    `json:"condition"`
	MinWatchMinutes int       `json:"min_watch_minutes,omitempty"`
	Status          string    `json:"status"` // open | drawn
	Algorithm       string    `json:"algorithm"`
	Commitment      string    `json:"commitment"`
	Seed            string    `json:"seed,omitempty"`
	DrawAt          time.Time `json:"draw_at"`
	DrawnAt         time.Time `json:"drawn_at,omitzero"`
	CreatedAt       time.Time `json:"created_at"`
	EntrantCount    int       `json:"entrant_count"`
	Entrants        []int64   `json:"entrants"`
	Winners         []int64   `json:"winners"`
	// Entered tells a viewer reading it whether they are in (viewer reads only).
	Entered *bool `json:"entered,omitempty"`
}

// Entry is the answer to entering a lottery.
type Entry struct {
	LotteryID int64     `json:"lottery_id"`
	ViewerID  int64     `json:"viewer_id"`
	Position  int       `json:"position"` // 1-based place in the entrant list
	EnteredAt time.Time `json:"entered_at"`
}

// EntryInput is the body of POST /api/v1/lotteries/{id}/entries (may be empty).
type EntryInput struct {
	Password string `json:"password,omitempty"`
}

// LotteryEvent is broadcast to the room at launch.
type LotteryEvent struct {
	Type            string    `json:"type"` // lottery
	ID              int64     `json:"id"`
	Prize           string    `json:"prize"`
	Winners         int       `json:"winners"`
	DrawAt          time.Time `json:"draw_at"`
	Commitment      string    `json:"commitment"`
	Condition       string    `json:"condition"`
	MinWatchMinutes int       `json:"min_watch_minutes,omitempty"`
}

// Winner is a winner as the room sees it.
type Winner struct {
	ViewerID int64  `json:"viewer_id"`
	Nickname string `json:"nickname"`
}

// DrawnEvent is broadcast to the room at the draw.
type DrawnEvent struct {
	Type    string   `json:"type"` // lottery_drawn
	ID      int64    `json:"id"`
	Prize   string   `json:"prize"`
	Winners []Winner `json:"winners"`
	Seed    string   `json:"seed"`
}

// WonEvent is sent privately to each winner at the draw.
type WonEvent struct {
	Type      string `json:"type"` // lottery_won
	ID        int64  `json:"id"`
	Prize     string `json:"prize"`
	PrizeID   int64  `json:"prize_id"`
	Place     int    `json:"place"`
	FormURL   string `json:"form_url"`   // where the winner fills in delivery details
	FormAPI   string `json:"form_api"`   // PUT the details here (viewer token)
	SessionID int64  `json:"session_id"` // the room the lottery ran in
}
