package promo

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/siyu-live/siyu"
	"github.com/siyu-live/siyu/internal/org"
)

// Prize is a lottery win as its winner sees it; Delivery is nil until filled in.
type Prize struct {
	ID        int64     `json:"id"`
	LotteryID int64     `json:"lottery_id"`
	SessionID int64     `json:"session_id"`
	Prize     string    `json:"prize"`
	Place     int       `json:"place"`
	WonAt     time.Time `json:"won_at"`
	FormURL   string    `json:"form_url"`
	Delivery  *Delivery `json:"delivery"`
}

// Delivery is where a prize is sent.
type Delivery struct {
	Name        string    `json:"name"`
	Phone       string    `json:"phone"`
	Address     string    `json:"address"`
	SubmittedAt time.Time `json:"submitted_at"`
}

// DeliveryInput is the body of PUT /api/v1/viewer/prizes/{id}/delivery.
type DeliveryInput struct {
	Name    string `json:"name"`    // recipient, 1–30 characters
	Phone   string `json:"phone"`   // mainland mobile number, 11 digits (+86 allowed)
	Address string `json:"address"` // full address, 5–200 characters
}

var mobile = regexp.MustCompile(`^1[3-9][0-9]{9}$`)

func (in *DeliveryInput) check() error {
	name, err := cleanText("name", in.Name, 30)
	if err != nil {
		return err
	} else if name == "" {
		return siyu.Invalid("name", "name is required: who receives the prize")
	}
	phone := strings.NewReplacer(" ", "", "-", "").Replace(strings.TrimSpace(in.Phone))
	phone = strings.TrimPrefix(strings.TrimPrefix(phone, "+86"), "0086")
	if !mobile.MatchString(phone) {
		return siyu.Invalid("phone", "phone must be a mainland mobile number of 11 digits starting with 1, got %q", in.Phone)
	}
	addr, err := cleanText("address", in.Address, 200)
	if err != nil {
		return err
	} else if utf8.RuneCountInString(addr) < 5 {
		return siyu.Invalid("address", "address must be a full postal address (at least 5 characters)")
	}
	in.Name, in.Phone, in.Address = name, phone, addr
	return nil
}

type prizeRow struct {
	ID         int64  `db:"id"`
	LotteryID  int64  `db:"lottery_id"`
	SessionID  int64  `db:"session_id"`
	ViewerID   int64  `db:"viewer_id"`
	Nickname   string `db:"nickname"`
	Prize      string `db:"prize"`
	Place      int    `db:"place"`
	Name       string `db:"delivery_name"`
	Phone      string `db:"delivery_phone"`
	Address    string `db:"delivery_address"`
	DeliveryAt int64  `db:"delivery_at"`
	CreatedAt  int64  `db:"created_at"`
}

const prizeSelect = `SELECT w.id, w.lottery_id, l.session_id, w.viewer_id, COALESCE(v.nickname, '') AS nickname, l.prize,
	w.place, w.delivery_name, w.delivery_phone, w.delivery_address, w.delivery_at, w.created_at
	FROM lottery_winners w JOIN lotteries l ON l.id = w.lottery_id LEFT JOIN viewers v ON v.id = w.viewer_id`

func (r prizeRow) prize() Prize {
	p := Prize{ID: r.ID, LotteryID: r.LotteryID, SessionID: r.SessionID, Prize: r.Prize, Place: r.Place,
		WonAt: msTime(r.CreatedAt), FormURL: PrizeFormPath(r.ID)}
	if r.DeliveryAt > 0 {
		p.Delivery = &Delivery{Name: r.Name, Phone: r.Phone, Address: r.Address, SubmittedAt: msTime(r.DeliveryAt)}
	}
	return p
}

// ViewerPrizes lists what the viewer has won, newest first.
func (s *Service) ViewerPrizes(ctx context.Context, v Viewer) ([]Prize, error) {
	var rows []prizeRow
	if err := s.store.SelectContext(ctx, &rows, prizeSelect+` WHERE w.tenant_id = ? AND w.viewer_id = ? ORDER BY w.id DESC LIMIT 200`,
		v.TenantID, v.ID); err != nil {
		return nil, fmt.Errorf("promo: prizes: %w", err)
	}
	out := make([]Prize, len(rows))
	for i, r := range rows {
		out[i] = r.prize()
	}
	return out, nil
}

// SetDelivery stores (or corrects) where the viewer's prize goes.
func (s *Service) SetDelivery(ctx context.Context, v Viewer, prizeID int64, in DeliveryInput) (Prize, error) {
	if err := in.check(); err != nil {
		return Prize{}, err
	}
	res, err := s.store.ExecContext(ctx, `UPDATE lottery_winners SET delivery_name = ?, delivery_phone = ?, delivery_address = ?,
		delivery_at = ? WHERE tenant_id = ? AND viewer_id = ? AND id = ?`, in.Name, in.Phone, in.Address, s.now().UnixMilli(),
		v.TenantID, v.ID, prizeID)
	if err != nil {
		return Prize{}, fmt.Errorf("promo: set delivery: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return Prize{}, fmt.Errorf("promo: set delivery: %w", err)
	} else if n == 0 {
		return Prize{}, siyu.Errorf(siyu.ENOTFOUND, "prize %d not found", prizeID)
	}
	var r prizeRow
	if err := s.store.WriteGetContext(ctx, &r, prizeSelect+` WHERE w.tenant_id = ? AND w.id = ?`, v.TenantID, prizeID); err != nil {
		return Prize{}, fmt.Errorf("promo: prize: %w", err)
	}
	return r.prize(), nil
}

// WinnerDetail is a winner as the host sees it, with the delivery details.
type WinnerDetail struct {
	PrizeID  int64     `json:"prize_id"`
	ViewerID int64     `json:"viewer_id"`
	Nickname string    `json:"nickname"`
	Place    int       `json:"place"`
	Delivery *Delivery `json:"delivery"`
}

// LotteryWinners lists a drawn lottery's winners in draw order with their delivery
// details (staff with promo.manage: the details are personal data).
func (s *Service) LotteryWinners(ctx context.Context, p org.Principal, id int64) ([]WinnerDetail, error) {
	if err := need(p, org.PermPromoManage); err != nil {
		return nil, err
	}
	if _, err := getLottery(ctx, s.store, p.TenantID, id); err != nil {
		return nil, err
	}
	var rows []prizeRow
	if err := s.store.SelectContext(ctx, &rows, prizeSelect+` WHERE w.tenant_id = ? AND w.lottery_id = ? ORDER BY w.place`,
		p.TenantID, id); err != nil {
		return nil, fmt.Errorf("promo: winners: %w", err)
	}
	out := make([]WinnerDetail, len(rows))
	for i, r := range rows {
		out[i] = WinnerDetail{PrizeID: r.ID, ViewerID: r.ViewerID, Nickname: r.Nickname, Place: r.Place, Delivery: r.prize().Delivery}
	}
	return out, nil
}
