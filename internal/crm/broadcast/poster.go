package broadcast

import (
	"bytes"
	"context"
	"fmt"
	"image"
	_ "image/gif"  // covers may be any of the web's common formats
	_ "image/jpeg" // covers may be any of the web's common formats
	_ "image/png"  // covers may be any of the web's common formats
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/siyu-live/siyu"
	"github.com/siyu-live/siyu/internal/crm/poster"
	"github.com/siyu-live/siyu/internal/org"
)

// PosterCaption is the line under a poster's QR code.
const PosterCaption = "长按识别二维码 进入直播间"

// PosterPNG renders the poster of a recipient's link (their own QR code) and records
// that they opened the message: only the message's image link leads here.
func (s *Service) PosterPNG(ctx context.Context, token string) ([]byte, error) {
	lr, err := byToken(ctx, s.store, token)
	if err != nil {
		return nil, err
	}
	if lr.Poster == 0 {
		return nil, siyu.Errorf(siyu.ENOTFOUND, "this broadcast has no poster")
	}
	png, err := s.poster(ctx, lr.SessionID, s.linkURL(token))
	if err != nil {
		return nil, err
	}
	if _, err := s.store.ExecContext(ctx, `UPDATE broadcast_recipients SET opened_at = ? WHERE tenant_id = ? AND id = ? AND opened_at = 0`,
		s.now().UnixMilli(), lr.TenantID, lr.ID); err != nil {
		return nil, fmt.Errorf("broadcast: record poster opened: %w", err)
	}
	return png, nil
}

// SamplePoster renders a broadcast's poster for the console preview, its QR code
// leading to the broadcast's entry link (or the room) instead of a recipient's.
func (s *Service) SamplePoster(ctx context.Context, p org.Principal, id int64) ([]byte, error) {
	if err := need(p); err != nil {
		return nil, err
	}
	r, err := getRow(ctx, s.store, p.TenantID, id)
	if err != nil {
		return nil, err
	}
	link := fmt.Sprintf("%s/live/s/%d", s.opt.PublicURL, r.SessionID)
	if r.EntryCode != "" {
		link = s.opt.PublicURL + "/live/" + r.EntryCode
	}
	return s.poster(ctx, r.SessionID, link)
}

// PostersAvailable says whether posters can be drawn on this server, and why not.
func (s *Service) PostersAvailable() (bool, string) {
	if s.opt.Posters != nil {
		return true, ""
	}
	return false, s.posterUnavailable().Message
}

func (s *Service) posterUnavailable() *siyu.Error {
	why := "no poster font is installed"
	if s.opt.PosterErr != nil {
		why = s.opt.PosterErr.Error()
	}
	return siyu.Errorf(siyu.ECONFLICT, "posters are unavailable on this server: %s (install fonts-noto-cjk or set --font-path)", why)
}

func (s *Service) poster(ctx context.Context, sessionID int64, link string) ([]byte, error) {
	if s.opt.Posters == nil {
		return nil, s.posterUnavailable()
	}
	p, err := s.opt.Live.Preview(ctx, sessionID)
	if err != nil {
		return nil, err
	}
	when := liveTime(p, s.opt.Location)
	if !p.ScheduledAt.IsZero() && p.Status != "live" {
		when += " 开播"
	}
	return s.opt.Posters.PNG(poster.Input{Brand: p.Brand, Title: p.Title, Time: when, Cover: s.opt.Covers(ctx, p.CoverURL),
		QRURL: link, Caption: PosterCaption})
}

// coverCache fetches session covers for posters: bounded in size and time, through
// the webhook client (so a tenant's cover URL cannot make the server probe its own
// network), and remembered for a while, failures too, since one broadcast renders
// many posters of one cover.
type coverCache struct {
	client *http.Client
	base   string
	mu     sync.Mutex
	items  map[string]coverItem
}

type coverItem struct {
	img image.Image
	at  time.Time
}

const (
	coverTTL      = 10 * time.Minute
	coverMaxBytes = 5 << 20
	coverEntries  = 64
	coverMaxSide  = 4096
)

func newCoverCache(client *http.Client, base string) *coverCache {
	return &coverCache{client: client, base: base, items: map[string]coverItem{}}
}

// get returns the decoded cover, nil when there is none or it cannot be fetched.
func (c *coverCache) get(ctx context.Context, raw string) image.Image {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return nil
	}
	if strings.HasPrefix(raw, "/") {
		raw = c.base + raw
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") {
		return nil
	}
	c.mu.Lock()
	if it, ok := c.items[raw]; ok && time.Since(it.at) < coverTTL {
		c.mu.Unlock()
		return it.img
	}
	c.mu.Unlock()
	img := c.fetch(ctx, raw)
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.items) >= coverEntries {
		clear(c.items)
	}
	c.items[raw] = coverItem{img: img, at: time.Now()}
	return img
}

func (c *coverCache) fetch(ctx context.Context, raw string) image.Image {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, raw, nil)
	if err != nil {
		return nil
	}
	resp, err := c.client.Do(req)
	if err != nil {
		return nil
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, coverMaxBytes))
	if err != nil {
		return nil
	}
	// A small file may still declare a huge picture: check the size before decoding.
	if cfg, _, err := image.DecodeConfig(bytes.NewReader(data)); err != nil || cfg.Width > coverMaxSide || cfg.Height > coverMaxSide {
		return nil
	}
	img, _, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		return nil
	}
	return img
}
