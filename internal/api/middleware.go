package api

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"regexp"
	"runtime/debug"
	"strings"
	"time"

	"github.com/siyu-live/siyu"
	"github.com/siyu-live/siyu/internal/audit"
	"github.com/siyu-live/siyu/internal/org"
)

type requestIDKey struct{}

// RequestID returns the id given to the request, for logs and error bodies.
func RequestID(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey{}).(string)
	return id
}

var validRequestID = regexp.MustCompile(`^[A-Za-z0-9._-]{1,64}$`)

// ClientIP is the remote address without port. Proxies' forwarding headers are not
// trusted: login rate limits must not be bypassable by a forged header.
func ClientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

type statusWriter struct {
	http.ResponseWriter
	status int
	wrote  bool
}

func (w *statusWriter) WriteHeader(code int) {
	if !w.wrote {
		w.status, w.wrote = code, true
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if !w.wrote {
		w.status, w.wrote = http.StatusOK, true
	}
	return w.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the underlying writer (WebSocket hijacking,
// flushing).
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// Observe wraps the whole mux: request id, panic recovery, a JSON access log line and
// Prometheus metrics for every request, API or console.
func Observe(next http.Handler, logger *slog.Logger, m *Metrics) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rid := r.Header.Get("X-Request-Id")
		if !validRequestID.MatchString(rid) {
			var b [8]byte
			_, _ = rand.Read(b[:])
			rid = hex.EncodeToString(b[:])
		}
		w.Header().Set("X-Request-Id", rid)
		ctx := context.WithValue(r.Context(), requestIDKey{}, rid)
		ctx = audit.WithIP(ctx, ClientIP(r))
		r = r.WithContext(ctx)
		sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		m.inflight.Inc()
		defer func() {
			m.inflight.Dec()
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				logger.ErrorContext(ctx, "panic", "request_id", rid, "panic", fmt.Sprint(v), "stack", string(debug.Stack()))
				if !sw.wrote {
					writeError(sw, r, logger, siyu.Errorf(siyu.EINTERNAL, "internal error"))
				}
			}
			d := time.Since(start)
			m.observe(r.Pattern, sw.status, d)
			if r.URL.Path != "/healthz" && r.URL.Path != "/metrics" && !strings.HasPrefix(r.URL.Path, "/static/") {
				logger.LogAttrs(ctx, slog.LevelInfo, "request", slog.String("request_id", rid),
					slog.String("method", r.Method), slog.String("path", r.URL.Path), slog.String("route", r.Pattern),
					slog.Int("status", sw.status), slog.Duration("duration", d), slog.String("ip", ClientIP(r)))
			}
		}()
		next.ServeHTTP(sw, r)
	})
}

// wrap turns a route into an http.Handler: body limit, authentication, per-account rate
// limit, permission check, then the handler, with every error written the same way.
func (a *API) wrap(rt Route) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.Body = http.MaxBytesReader(w, r.Body, max(a.Config.MaxBodyBytes, rt.MaxBody))
		if err := a.authorize(rt, r); err != nil {
			writeError(w, r, a.Logger, err)
			return
		}
		var key string
		switch rt.Auth {
		case Staff:
			key = fmt.Sprintf("staff:%d", principal(r).UserID)
		case Viewer:
			key = fmt.Sprintf("viewer:%d", viewer(r).ID)
		}
		if key != "" && !a.perAccount.Allow(key) {
			writeError(w, r, a.Logger, siyu.Errorf(siyu.ERATELIMITED, "too many requests for this account; slow down"))
			return
		}
		if err := rt.h(w, r); err != nil {
			writeError(w, r, a.Logger, err)
		}
	})
}

func (a *API) authorize(rt Route, r *http.Request) error {
	switch rt.Auth {
	case Public:
		return nil
	case Viewer:
		bearer, err := bearerToken(r, "viewer")
		if err != nil {
			return err
		}
		v, err := a.Live.AuthenticateViewer(r.Context(), bearer)
		if err != nil {
			return err
		}
		*r = *r.WithContext(context.WithValue(r.Context(), viewerKey{}, v))
		return nil
	}
	if p, ok := r.Context().Value(principalKey{}).(org.Principal); ok && p.UserID != 0 {
		// Already authenticated: the console calls API handlers with its cookie principal.
		return a.checkPerm(rt, p)
	}
	bearer, err := bearerToken(r, "staff")
	if err != nil {
		return err
	}
	p, err := a.Org.Authenticate(r.Context(), bearer)
	if err != nil {
		return err
	}
	*r = *r.WithContext(WithPrincipal(r.Context(), p))
	return a.checkPerm(rt, p)
}

// bearerToken reads the Authorization header; kind ("staff" or "viewer") names the token
// the route expects in the error.
func bearerToken(r *http.Request, kind string) (string, error) {
	bearer, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if bearer = strings.TrimSpace(bearer); !ok || bearer == "" {
		return "", siyu.Errorf(siyu.EUNAUTHORIZED, "send a %s token as Authorization: Bearer <token>", kind)
	}
	return bearer, nil
}

func (a *API) checkPerm(rt Route, p org.Principal) error {
	if rt.Perm != "" && !p.Can(rt.Perm) {
		return siyu.Errorf(siyu.EFORBIDDEN, "your role may not do this (needs %s)", rt.Perm)
	}
	return nil
}
