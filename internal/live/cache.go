package live

import (
	"sync"
	"time"
)

// ttlCache is a small bounded map with expiry for the hot paths the room calls on every
// join, gift and comment (viewer tokens, session settings, gift catalogs, follows). It
// is deliberately simple: when full, an arbitrary eighth of the entries is dropped,
// which keeps memory bounded without an LRU's bookkeeping on every read.
type ttlCache[K comparable, V any] struct {
	mu    sync.Mutex
	max   int
	ttl   time.Duration
	now   func() time.Time
	items map[K]cacheItem[V]
}

type cacheItem[V any] struct {
	v       V
	expires time.Time
}

func newTTLCache[K comparable, V any](max int, ttl time.Duration, now func() time.Time) *ttlCache[K, V] {
	return &ttlCache[K, V]{max: max, ttl: ttl, now: now, items: make(map[K]cacheItem[V])}
}

// Get returns the value for k unless it is missing or expired.
func (c *ttlCache[K, V]) Get(k K) (V, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	it, ok := c.items[k]
	if !ok || !c.now().Before(it.expires) {
		var zero V
		return zero, false
	}
	return it.v, true
}

// Put stores v for k for the cache's TTL.
func (c *ttlCache[K, V]) Put(k K, v V) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.items) >= c.max {
		now, drop := c.now(), c.max/8+1
		for key, it := range c.items {
			if drop <= 0 && now.Before(it.expires) {
				continue
			}
			delete(c.items, key)
			drop--
		}
	}
	c.items[k] = cacheItem[V]{v: v, expires: c.now().Add(c.ttl)}
}

// Delete forgets k, so the next Get reads the store again.
func (c *ttlCache[K, V]) Delete(k K) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.items, k)
}

// Len is the number of entries, expired or not (for tests of the bound).
func (c *ttlCache[K, V]) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.items)
}
