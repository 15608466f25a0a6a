package live

import (
	"context"
	"crypto/subtle"
	"encoding/binary"
	"fmt"
	"io"
	"regexp"
	"strings"
	"time"

	"github.com/siyu-live/siyu"
	"github.com/siyu-live/siyu/internal/db"
	"github.com/siyu-live/siyu/internal/notify"
	"github.com/siyu-live/siyu/internal/org"
)

// Phone-code rules: a code lives five minutes and allows five tries; a viewer may ask
// for one a minute and a phone receives at most five an hour, so the sandbox (and later
// a paid SMS gateway) cannot be used to flood a number.
const (
	CodeTTL            = 5 * time.Minute
	CodeAttempts       = 5
	CodeViewerInterval = time.Minute
	CodesPerPhoneHour  = 5
)

var mainlandMobile = regexp.MustCompile(`^1[3-9][0-9]{9}$`)

// PhoneInput is the body of POST /api/v1/viewer/phone/code.
type PhoneInput struct {
	Phone string `json:"phone"`
}

// VerifyInput is the body of POST /api/v1/viewer/phone/verify.
type VerifyInput struct {
	Phone string `json:"phone"`
	Code  string `json:"code"`
}

// CodeSent answers a code request without the code (it went by SMS).
type CodeSent struct {
	Phone     string    `json:"phone"`
	ExpiresAt time.Time `json:"expires_at"`
}

func checkPhone(p string) (string, error) {
	p = strings.TrimSpace(p)
	if !mainlandMobile.MatchString(p) {
		return "", siyu.Invalid("phone", "phone must be a mainland China mobile number of 11 digits starting with 13–19")
	}
	return p, nil
}

// codeHash binds a code to its viewer and phone, so a stored hash is useless elsewhere.
func codeHash(viewerID int64, phone, code string) string {
	return org.HashSecret(fmt.Sprintf("%d:%s:%s", viewerID, phone, code))
}

// SendPhoneCode sends a 6-digit one-time code to phone through the SMS channel.
func (s *Service) SendPhoneCode(ctx context.Context, v Viewer, in PhoneInput) (CodeSent, error) {
	phone, err := checkPhone(in.Phone)
	if err != nil {
		return CodeSent{}, err
	}
	var b [8]byte
	if _, err := io.ReadFull(s.random, b[:]); err != nil {
		return CodeSent{}, fmt.Errorf("live: phone code: %w", err)
	}
	code := fmt.Sprintf("%06d", binary.BigEndian.Uint64(b[:])%1_000_000) // bias below 10^-13
	now := s.now()
	expires := now.Add(CodeTTL)
	err = s.store.Tx(ctx, func(tx *db.Tx) error {
		var last int64
		if err := tx.GetContext(ctx, &last, `SELECT COALESCE(MAX(created_at), 0) FROM phone_codes WHERE tenant_id = ? AND viewer_id = ?`,
			v.TenantID, v.ID); err != nil {
			return fmt.Errorf("live: phone code throttle: %w", err)
		}
		if wait := time.UnixMilli(last).Add(CodeViewerInterval).Sub(now); last > 0 && wait > 0 {
			return siyu.Errorf(siyu.ERATELIMITED, "a code was sent less than a minute ago; try again in %d seconds", int(wait.Seconds())+1)
		}
		var n int
		if err := tx.GetContext(ctx, &n, `SELECT COUNT(*) FROM phone_codes WHERE tenant_id = ? AND phone = ? AND created_at > ?`,
			v.TenantID, phone, now.Add(-time.Hour).UnixMilli()); err != nil {
			return fmt.Errorf("live: phone code throttle: %w", err)
		}
		if n >= CodesPerPhoneHour {
			return siyu.Errorf(siyu.ERATELIMITED, "this phone number received %d codes in the last hour; try again later", n)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO phone_codes (tenant_id, viewer_id, phone, code_hash, expires_at, created_at)
			VALUES (?, ?, ?, ?, ?, ?)`, v.TenantID, v.ID, phone, codeHash(v.ID, phone, code), expires.UnixMilli(), now.UnixMilli()); err != nil {
			return fmt.Errorf("live: save phone code: %w", err)
		}
		_, err := s.sms.Send(ctx, tx, notify.Message{TenantID: v.TenantID, ViewerID: v.ID, Phone: phone, Kind: "phone_code",
			Body: fmt.Sprintf("【私域】您的验证码是 %s，%d 分钟内有效。如非本人操作请忽略。", code, int(CodeTTL.Minutes()))})
		return err
	})
	if err != nil {
		return CodeSent{}, err
	}
	return CodeSent{Phone: phone, ExpiresAt: msTime(expires.UnixMilli())}, nil
}

// VerifyPhone checks the latest code sent to the viewer for phone. A wrong code uses up
// one of its five attempts (recorded even though the request fails); the right one marks
// the viewer known, with the phone stored for the CRM to link later.
func (s *Service) VerifyPhone(ctx context.Context, v Viewer, in VerifyInput) (Viewer, error) {
	phone, err := checkPhone(in.Phone)
	if err != nil {
		return Viewer{}, err
	}
	code := strings.TrimSpace(in.Code)
	if len(code) != 6 || strings.Trim(code, "0123456789") != "" {
		return Viewer{}, siyu.Invalid("code", "code must be the 6 digits from the SMS")
	}
	now := s.now().UnixMilli()
	var fail error
	var out Viewer
	err = s.store.Tx(ctx, func(tx *db.Tx) error {
		var c struct {
			ID       int64  `db:"id"`
			Hash     string `db:"code_hash"`
			Attempts int    `db:"attempts"`
			Expires  int64  `db:"expires_at"`
			Used     int64  `db:"used_at"`
		}
		err := tx.GetContext(ctx, &c, `SELECT id, code_hash, attempts, expires_at, used_at FROM phone_codes
			WHERE tenant_id = ? AND viewer_id = ? AND phone = ? ORDER BY id DESC LIMIT 1`, v.TenantID, v.ID, phone)
		switch {
		case db.IsNoRows(err):
			fail = siyu.Invalid("code", "no code was sent to this phone; request one first")
			return nil
		case err != nil:
			return fmt.Errorf("live: verify phone: %w", err)
		case c.Used > 0:
			fail = siyu.Invalid("code", "this code was already used; request a new one")
			return nil
		case now >= c.Expires:
			fail = siyu.Invalid("code", "the code has expired; request a new one")
			return nil
		case c.Attempts >= CodeAttempts:
			fail = siyu.Errorf(siyu.ERATELIMITED, "too many wrong codes; request a new one")
			return nil
		}
		if subtle.ConstantTimeCompare([]byte(c.Hash), []byte(codeHash(v.ID, phone, code))) != 1 {
			if _, err := tx.ExecContext(ctx, `UPDATE phone_codes SET attempts = attempts + 1 WHERE id = ?`, c.ID); err != nil {
				return fmt.Errorf("live: verify phone: %w", err)
			}
			fail = siyu.Invalid("code", "the code is wrong; %d attempts left", CodeAttempts-c.Attempts-1)
			return nil
		}
		if _, err := tx.ExecContext(ctx, `UPDATE phone_codes SET used_at = ? WHERE id = ?`, now, c.ID); err != nil {
			return fmt.Errorf("live: verify phone: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE viewers SET phone = ? WHERE tenant_id = ? AND id = ?`, phone, v.TenantID, v.ID); err != nil {
			return fmt.Errorf("live: verify phone: %w", err)
		}
		var hash string
		if err := tx.GetContext(ctx, &hash, `SELECT token_hash FROM viewers WHERE id = ?`, v.ID); err != nil {
			return fmt.Errorf("live: verify phone: %w", err)
		}
		tx.AfterCommit(func() { s.viewers.Delete(hash) })
		if out, err = getViewer(ctx, tx, v.TenantID, v.ID); err != nil {
			return err
		}
		return s.watchPhone(ctx, tx, out)
	})
	if err == nil {
		err = fail
	}
	return out, err
}
