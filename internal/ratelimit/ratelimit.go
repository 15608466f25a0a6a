// Package ratelimit limits actions per key (an e-mail, an address, an account) with a
// token bucket each, forgetting idle keys so a flood of distinct keys cannot exhaust memory.
package ratelimit

import (
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Keyed holds one token bucket per key.
type Keyed struct {
	mu      sync.Mutex
	limit   rate.Limit
	burst   int
	idle    time.Duration
	buckets map[string]*bucket
	now     func() time.Time
	swept   time.Time
}

type bucket struct {
	lim  *rate.Limiter
	seen time.Time
}

// New allows perInterval events per interval per key, with bursts of burst.
func New(perInterval int, interval time.Duration, burst int, now func() time.Time) *Keyed {
	if now == nil {
		now = time.Now
	}
	return &Keyed{
		limit:   rate.Limit(float64(perInterval) / interval.Seconds()),
		burst:   burst,
		idle:    max(interval*2, time.Minute),
		buckets: map[string]*bucket{},
		now:     now,
	}
}

// Allow takes one token from key's bucket and reports whether there was one.
func (k *Keyed) Allow(key string) bool {
	now := k.now()
	k.mu.Lock()
	defer k.mu.Unlock()
	if now.Sub(k.swept) > k.idle {
		for key, b := range k.buckets {
			if now.Sub(b.seen) > k.idle {
				delete(k.buckets, key)
			}
		}
		k.swept = now
	}
	b := k.buckets[key]
	if b == nil {
		b = &bucket{lim: rate.NewLimiter(k.limit, k.burst)}
		k.buckets[key] = b
	}
	b.seen = now
	return b.lim.AllowN(now, 1)
}
