package commerce

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/siyu-live/siyu"
)

// The sandbox callback scheme, the same shape as real providers' (WeChat Pay v3 signs
// timestamp + nonce + body; Stripe signs timestamp + body):
//
//	X-Siyu-Sandbox-Timestamp: <unix seconds>
//	X-Siyu-Sandbox-Signature: v1=<hex HMAC-SHA256(secret, timestamp + "." + body)>
//	body: {"event_id","provider_ref","order_id","amount","status","reason"?}
//
// The secret is generated once per deployment and kept in the database, so every
// node of a deployment shares it. A timestamp more than SandboxTolerance away from
// now is refused, which bounds replays; within the window, the event id makes a
// repeated delivery a no-op.
const (
	SandboxName            = "sandbox"
	SandboxTimestampHeader = "X-Siyu-Sandbox-Timestamp"
	SandboxSignatureHeader = "X-Siyu-Sandbox-Signature"
	SandboxTolerance       = 5 * time.Minute
	sandboxSecretName      = "sandbox_signing_key"
	maxCallbackBytes       = 64 << 10
)

// Sandbox is the built-in payment provider for demos and tests: its cashier is the
// page at /pay/sandbox/{ref}, whose buttons send a signed callback like a real
// provider would. It never moves money.
type Sandbox struct {
	svc    *Service
	mu     sync.Mutex
	secret []byte
}

func newSandbox(s *Service) *Sandbox { return &Sandbox{svc: s} }

// Sandbox returns the sandbox provider, or nil when it is disabled.
func (s *Service) Sandbox() *Sandbox { return s.sandbox }

// Name implements Provider.
func (sb *Sandbox) Name() string { return SandboxName }

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // crypto/rand never fails
	return hex.EncodeToString(b)
}

// CreatePayment implements Provider: an unguessable reference and the cashier page.
func (sb *Sandbox) CreatePayment(_ context.Context, _ PaymentRequest) (PaymentIntent, error) {
	ref := "sbx_" + randomHex(16)
	return PaymentIntent{ProviderRef: ref, PayURL: sb.svc.base + "/pay/sandbox/" + ref}, nil
}

// Refund implements Refunder; the sandbox holds no money, so there is nothing to send.
func (sb *Sandbox) Refund(context.Context, RefundRequest) error { return nil }

// key returns the deployment's signing secret, creating it on first use. Two nodes
// racing to create it both end up reading the one row that won.
func (sb *Sandbox) key(ctx context.Context) ([]byte, error) {
	sb.mu.Lock()
	defer sb.mu.Unlock()
	if sb.secret != nil {
		return sb.secret, nil
	}
	st := sb.svc.store
	if _, err := st.ExecContext(ctx, `INSERT INTO commerce_secrets (name, value, created_at) VALUES (?, ?, ?)
		ON CONFLICT (name) DO NOTHING`, sandboxSecretName, randomHex(32), sb.svc.now().UnixMilli()); err != nil {
		return nil, fmt.Errorf("commerce: sandbox secret: %w", err)
	}
	var v string
	if err := st.GetContext(ctx, &v, `SELECT value FROM commerce_secrets WHERE name = ?`, sandboxSecretName); err != nil {
		return nil, fmt.Errorf("commerce: sandbox secret: %w", err)
	}
	sb.secret = []byte(v)
	return sb.secret, nil
}

// Sign returns the signature header value for body sent at ts.
func (sb *Sandbox) Sign(ctx context.Context, ts int64, body []byte) (string, error) {
	key, err := sb.key(ctx)
	if err != nil {
		return "", err
	}
	m := hmac.New(sha256.New, key)
	m.Write([]byte(strconv.FormatInt(ts, 10) + "."))
	m.Write(body)
	return "v1=" + hex.EncodeToString(m.Sum(nil)), nil
}

// CallbackRequest builds the signed notification the sandbox sends for cb, stamped
// with the service clock, addressed to the deployment's callback endpoint.
func (sb *Sandbox) CallbackRequest(ctx context.Context, cb CallbackResult) (*http.Request, error) {
	body, err := json.Marshal(cb)
	if err != nil {
		return nil, err
	}
	ts := sb.svc.now().Unix()
	sig, err := sb.Sign(ctx, ts, body)
	if err != nil {
		return nil, err
	}
	r, err := http.NewRequestWithContext(ctx, http.MethodPost, sb.svc.base+"/api/v1/payments/sandbox/callback", bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	r.Header.Set("Content-Type", "application/json")
	r.Header.Set(SandboxTimestampHeader, strconv.FormatInt(ts, 10))
	r.Header.Set(SandboxSignatureHeader, sig)
	return r, nil
}

// VerifyCallback implements Provider: the timestamp must be within SandboxTolerance
// of now and the signature must match the body exactly.
func (sb *Sandbox) VerifyCallback(r *http.Request) (CallbackResult, error) {
	var res CallbackResult
	ts, err := strconv.ParseInt(strings.TrimSpace(r.Header.Get(SandboxTimestampHeader)), 10, 64)
	if err != nil {
		return res, siyu.Errorf(siyu.EUNAUTHORIZED, "missing or malformed %s header", SandboxTimestampHeader)
	}
	if d := sb.svc.now().Sub(time.Unix(ts, 0)); d > SandboxTolerance || d < -SandboxTolerance {
		return res, siyu.Errorf(siyu.EUNAUTHORIZED, "callback timestamp is more than %s away from now (replayed or clock skew)", SandboxTolerance)
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxCallbackBytes+1))
	if err != nil || len(body) > maxCallbackBytes {
		return res, siyu.Errorf(siyu.EINVALID, "callback body could not be read or is too large")
	}
	want, err := sb.Sign(r.Context(), ts, body)
	if err != nil {
		return res, err
	}
	if !hmac.Equal([]byte(want), []byte(strings.TrimSpace(r.Header.Get(SandboxSignatureHeader)))) {
		return res, siyu.Errorf(siyu.EUNAUTHORIZED, "callback signature does not verify")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&res); err != nil {
		return res, siyu.Errorf(siyu.EINVALID, "callback body is not a valid notification: %v", err)
	}
	if res.ProviderRef == "" {
		return res, siyu.Invalid("provider_ref", "provider_ref is required")
	}
	return res, nil
}
