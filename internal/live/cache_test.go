package live

import (
	"testing"
	"time"
)

// TestCacheBoundAndExpiry: the hot-path caches never grow past their bound and never
// answer after their TTL.
func TestCacheBoundAndExpiry(t *testing.T) {
	t.Parallel()
	now := time.Unix(0, 0)
	c := newTTLCache[int, int](16, time.Second, func() time.Time { return now })
	for i := range 100 {
		c.Put(i, i)
		if c.Len() > 16 {
			t.Fatalf("cache holds %d entries, bound 16", c.Len())
		}
	}
	if v, ok := c.Get(99); !ok || v != 99 {
		t.Fatalf("latest entry missing: %v %v", v, ok)
	}
	now = now.Add(time.Second)
	if _, ok := c.Get(99); ok {
		t.Fatal("entry answered after its TTL")
	}
	c.Put(1, 1)
	c.Delete(1)
	if _, ok := c.Get(1); ok {
		t.Fatal("deleted entry answered")
	}
}
