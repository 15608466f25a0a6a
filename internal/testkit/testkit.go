// Package testkit holds the fakes that every domain's tests need, so each suite does not
// grow its own copy: a clock tests move instead of sleeping, and a recorder of the
// webhook events a service publishes.
package testkit

import (
	"context"
	"strings"
	"sync"
	"time"

	"github.com/siyu-live/siyu/internal/db"
)

// Clock is an injected fake clock; safe for concurrent use.
type Clock struct {
	mu sync.Mutex
	t  time.Time
}

// NewClock starts a clock at t.
func NewClock(t time.Time) *Clock { return &Clock{t: t} }

// Now is the clock's current time; pass c.Now as a service's clock.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// Add moves the clock forward (or back, with a negative d).
func (c *Clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// Set puts the clock at t.
func (c *Clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

// Events records the types of webhook events published to it, standing in for the
// webhook service where a test only cares which events a change produced.
type Events struct {
	mu    sync.Mutex
	types []string
}

// Publish records typ; it has the webhook service's Publish signature.
func (e *Events) Publish(_ context.Context, _ db.Querier, _ int64, typ string, _ any) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.types = append(e.types, typ)
	return nil
}

// List returns the recorded types in order, comma-separated.
func (e *Events) List() string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return strings.Join(e.types, ",")
}

// Count returns how many events of typ were recorded.
func (e *Events) Count(typ string) int {
	e.mu.Lock()
	defer e.mu.Unlock()
	n := 0
	for _, t := range e.types {
		if t == typ {
			n++
		}
	}
	return n
}
