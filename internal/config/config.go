// Package config holds every setting of a siyu node. Settings come from flags or SIYU_*
// environment variables (flags win), are validated once at start-up, and are passed
// explicitly: there are no globals, so tests run many differently configured nodes in
// one process.
package config

import (
	"fmt"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// Config is the whole configuration of one node. The kong tags make each field a flag
// and an environment variable; Vars documents them for the README and for `--help`.
type Config struct {
	Addr            string        `name:"addr" env:"SIYU_ADDR" default:"127.0.0.1:8080" help:"Address the HTTP server listens on."`
	Data            string        `name:"data" env:"SIYU_DATA" default:"./data" help:"Directory for the embedded SQLite database and NATS JetStream files."`
	DB              string        `name:"db" env:"SIYU_DB" help:"Database: empty for SQLite under --data, or a postgres:// URL."`
	NATSURL         string        `name:"nats-url" env:"SIYU_NATS_URL" help:"External NATS server (nats://host:4222); empty runs NATS embedded in-process."`
	BaseURL         string        `name:"base-url" env:"SIYU_BASE_URL" help:"Public URL of this deployment, used in links, posters and cookies (default http://<addr>)."`
	LogLevel        string        `name:"log-level" env:"SIYU_LOG_LEVEL" default:"info" help:"debug, info, warn or error."`
	MaxBodyBytes    int64         `name:"max-body-bytes" env:"SIYU_MAX_BODY_BYTES" default:"1048576" help:"Largest accepted request body in bytes."`
	ShutdownTimeout time.Duration `name:"shutdown-timeout" env:"SIYU_SHUTDOWN_TIMEOUT" default:"15s" help:"How long SIGTERM waits for in-flight requests."`
	SessionTTL      time.Duration `name:"session-ttl" env:"SIYU_SESSION_TTL" default:"12h" help:"Console login lifetime."`
	LoginPerMinute  int           `name:"login-per-minute" env:"SIYU_LOGIN_PER_MINUTE" default:"10" help:"Login attempts allowed per minute per e-mail and per client address."`
	APIPerSecond    int           `name:"api-per-second" env:"SIYU_API_PER_SECOND" default:"50" help:"Sustained API requests per second per staff account (bursts of 4x)."`
	FontPath        string        `name:"font-path" env:"SIYU_FONT_PATH" default:"/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc" help:"CJK font used to render posters."`
	RoomTick        time.Duration `name:"room-tick" env:"SIYU_ROOM_TICK" default:"100ms" help:"How often a live room sends its batched events."`
	RoomBigTick     time.Duration `name:"room-big-tick" env:"SIYU_ROOM_BIG_TICK" default:"150ms" help:"Batch period of a room above the sampling size (fewer, fuller frames)."`
	RoomSampleAbove int           `name:"room-sample-above" env:"SIYU_ROOM_SAMPLE_ABOVE" default:"2000" help:"Online viewers above which ordinary comments are sampled for viewers."`
	PaymentSandbox  bool          `name:"payment-sandbox" env:"SIYU_PAYMENT_SANDBOX" default:"true" negatable:"" help:"Offer the sandbox payment provider (demos and tests); turn off where real payments are taken."`
	WebhookPrivate  bool          `name:"webhook-allow-private" env:"SIYU_WEBHOOK_ALLOW_PRIVATE" help:"Let webhooks post to loopback and private-network addresses (single-brand intranet installs, tests)."`
	Demo            bool          `name:"demo" env:"SIYU_DEMO" help:"Seed the Demo Brand tenant (idempotent)."`
}

// Vars lists every SIYU_* variable the product reads; an unknown one is almost always a
// typo, so start-up warns about it.
var Vars = []string{
	"SIYU_ADDR", "SIYU_DATA", "SIYU_DB", "SIYU_NATS_URL", "SIYU_BASE_URL", "SIYU_LOG_LEVEL",
	"SIYU_MAX_BODY_BYTES", "SIYU_SHUTDOWN_TIMEOUT", "SIYU_SESSION_TTL", "SIYU_LOGIN_PER_MINUTE",
	"SIYU_API_PER_SECOND", "SIYU_FONT_PATH", "SIYU_ROOM_TICK", "SIYU_ROOM_BIG_TICK", "SIYU_ROOM_SAMPLE_ABOVE", "SIYU_PAYMENT_SANDBOX", "SIYU_WEBHOOK_ALLOW_PRIVATE", "SIYU_DEMO",
	// Test-only switches, read by test helpers.
	"SIYU_TEST_POSTGRES", "SIYU_TEST_NATS",
}

// UnknownVars returns the SIYU_* names in environ that no setting reads.
func UnknownVars(environ []string) []string {
	var out []string
	for _, kv := range environ {
		name, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(name, "SIYU_") && !slices.Contains(Vars, name) {
			out = append(out, name)
		}
	}
	return out
}

// Validate checks every setting and names the first one that is wrong, so a mistyped
// value stops start-up with a message instead of failing later in a stranger way.
func (c *Config) Validate() error {
	if _, port, err := net.SplitHostPort(c.Addr); err != nil || port == "" {
		return fmt.Errorf("SIYU_ADDR/--addr %q is not host:port", c.Addr)
	}
	if c.DB == "" && strings.TrimSpace(c.Data) == "" {
		return fmt.Errorf("SIYU_DATA/--data must name a directory when SIYU_DB is empty")
	}
	if c.DB != "" {
		u, err := url.Parse(c.DB)
		if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") || u.Host == "" {
			return fmt.Errorf("SIYU_DB/--db must be a postgres://user@host:port/db URL (or empty for SQLite), got %q", redact(c.DB))
		}
	}
	if c.NATSURL != "" {
		u, err := url.Parse(c.NATSURL)
		if err != nil || (u.Scheme != "nats" && u.Scheme != "tls") || u.Host == "" {
			return fmt.Errorf("SIYU_NATS_URL/--nats-url must be nats://host:port (or empty for embedded NATS), got %q", c.NATSURL)
		}
	}
	if c.BaseURL != "" {
		u, err := url.Parse(c.BaseURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return fmt.Errorf("SIYU_BASE_URL/--base-url must be an absolute http(s) URL, got %q", c.BaseURL)
		}
	}
	if !slices.Contains([]string{"debug", "info", "warn", "error"}, c.LogLevel) {
		return fmt.Errorf("SIYU_LOG_LEVEL/--log-level must be debug, info, warn or error, got %q", c.LogLevel)
	}
	if c.MaxBodyBytes < 1024 || c.MaxBodyBytes > 1<<30 {
		return fmt.Errorf("SIYU_MAX_BODY_BYTES/--max-body-bytes must be between 1024 and 1073741824, got %d", c.MaxBodyBytes)
	}
	if c.ShutdownTimeout <= 0 || c.ShutdownTimeout > 10*time.Minute {
		return fmt.Errorf("SIYU_SHUTDOWN_TIMEOUT/--shutdown-timeout must be between 1ns and 10m, got %s", c.ShutdownTimeout)
	}
	if c.SessionTTL < time.Minute || c.SessionTTL > 90*24*time.Hour {
		return fmt.Errorf("SIYU_SESSION_TTL/--session-ttl must be between 1m and 2160h, got %s", c.SessionTTL)
	}
	if c.LoginPerMinute < 1 || c.LoginPerMinute > 10000 {
		return fmt.Errorf("SIYU_LOGIN_PER_MINUTE/--login-per-minute must be between 1 and 10000, got %d", c.LoginPerMinute)
	}
	if c.APIPerSecond < 1 || c.APIPerSecond > 1000000 {
		return fmt.Errorf("SIYU_API_PER_SECOND/--api-per-second must be between 1 and 1000000, got %d", c.APIPerSecond)
	}
	if c.RoomTick < 10*time.Millisecond || c.RoomTick > 5*time.Second {
		return fmt.Errorf("SIYU_ROOM_TICK/--room-tick must be between 10ms and 5s, got %s", c.RoomTick)
	}
	if c.RoomBigTick < c.RoomTick || c.RoomBigTick > 5*time.Second {
		return fmt.Errorf("SIYU_ROOM_BIG_TICK/--room-big-tick must be between SIYU_ROOM_TICK and 5s, got %s", c.RoomBigTick)
	}
	if c.RoomSampleAbove < 10 || c.RoomSampleAbove > 10000000 {
		return fmt.Errorf("SIYU_ROOM_SAMPLE_ABOVE/--room-sample-above must be between 10 and 10000000, got %d", c.RoomSampleAbove)
	}
	return nil
}

// PublicURL is where browsers reach this node: BaseURL when set, else http://Addr.
func (c *Config) PublicURL() string {
	if c.BaseURL != "" {
		return strings.TrimRight(c.BaseURL, "/")
	}
	return "http://" + c.Addr
}

// SecureCookies reports whether cookies must carry the Secure flag (https deployments).
func (c *Config) SecureCookies() bool { return strings.HasPrefix(c.BaseURL, "https://") }

// DataDir returns the absolute data directory.
func (c *Config) DataDir() string {
	abs, err := filepath.Abs(c.Data)
	if err != nil {
		return c.Data
	}
	return abs
}

// Defaults returns a Config with every default applied, for tests and tools that do not
// parse flags.
func Defaults() Config {
	return Config{
		Addr: "127.0.0.1:8080", Data: "./data", LogLevel: "info", MaxBodyBytes: 1 << 20,
		ShutdownTimeout: 15 * time.Second, SessionTTL: 12 * time.Hour, LoginPerMinute: 10,
		APIPerSecond: 50, RoomTick: 100 * time.Millisecond, RoomBigTick: 150 * time.Millisecond, RoomSampleAbove: 2000, PaymentSandbox: true, FontPath: "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
	}
}

func redact(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil {
		return "(unparseable)"
	}
	return u.Redacted()
}

// Environ is os.Environ, named so callers pass the environment explicitly.
func Environ() []string { return os.Environ() }
