package config_test

import (
	"strings"
	"testing"

	"github.com/siyu-live/siyu/internal/config"
)

func TestValidateNamesTheWrongSetting(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name   string
		mutate func(*config.Config)
		want   string
	}{
		{"bad addr", func(c *config.Config) { c.Addr = "8080" }, "SIYU_ADDR"},
		{"bad db", func(c *config.Config) { c.DB = "mysql://x" }, "SIYU_DB"},
		{"bad nats", func(c *config.Config) { c.NATSURL = "http://x" }, "SIYU_NATS_URL"},
		{"bad base url", func(c *config.Config) { c.BaseURL = "example.com" }, "SIYU_BASE_URL"},
		{"bad log level", func(c *config.Config) { c.LogLevel = "loud" }, "SIYU_LOG_LEVEL"},
		{"body too small", func(c *config.Config) { c.MaxBodyBytes = 10 }, "SIYU_MAX_BODY_BYTES"},
		{"no data dir", func(c *config.Config) { c.Data = " " }, "SIYU_DATA"},
		{"session ttl", func(c *config.Config) { c.SessionTTL = 0 }, "SIYU_SESSION_TTL"},
		{"login rate", func(c *config.Config) { c.LoginPerMinute = 0 }, "SIYU_LOGIN_PER_MINUTE"},
	}
	for _, tc := range cases {
		c := config.Defaults()
		tc.mutate(&c)
		err := c.Validate()
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err = %v, want it to name %s", tc.name, err, tc.want)
		}
	}
	c := config.Defaults()
	if err := c.Validate(); err != nil {
		t.Fatalf("defaults are invalid: %v", err)
	}
	c.DB = "postgres://postgres:secret@127.0.0.1:5432/test"
	if err := c.Validate(); err != nil {
		t.Fatalf("postgres url rejected: %v", err)
	}
}

func TestUnknownVars(t *testing.T) {
	t.Parallel()
	got := config.UnknownVars([]string{"SIYU_ADDR=x", "SIYU_ADRR=y", "HOME=/root"})
	if len(got) != 1 || got[0] != "SIYU_ADRR" {
		t.Fatalf("UnknownVars = %v, want [SIYU_ADRR]", got)
	}
}
