package poster

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/skip2/go-qrcode"

	"github.com/siyu-live/siyu"
)

const testFont = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"

var (
	rendererOnce sync.Once
	shared       *Renderer
	sharedErr    error
)

// renderer parses the system CJK font once per test binary (it is 20 MB); tests skip
// where the font is not installed.
func renderer(t testing.TB) *Renderer {
	t.Helper()
	if _, err := os.Stat(testFont); err != nil {
		t.Skipf("CJK font not installed: %v", err)
	}
	rendererOnce.Do(func() { shared, sharedErr = New(testFont) })
	if sharedErr != nil {
		t.Fatal(sharedErr)
	}
	return shared
}

func sampleInput() Input {
	return Input{
		Brand:   "山野茶舍",
		Title:   "明晚8点 春茶上新专场：明前龙井、碧螺春、白毫银针三款新茶现场冲泡试喝，直播间专享买二送一",
		Time:    "12月8日 周二 20:00 开播",
		QRURL:   "https://siyu.example.com/r/k3J9xQ2mPz?c=1842&b=77",
		Caption: "长按识别二维码 预约直播",
	}
}

func decode(t *testing.T, data []byte) image.Image {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("poster is not a PNG: %v", err)
	}
	return img
}

func TestPNGIsPhonePosterSize(t *testing.T) {
	r := renderer(t)
	data, err := r.PNG(sampleInput())
	if err != nil {
		t.Fatal(err)
	}
	img := decode(t, data)
	if b := img.Bounds(); b.Dx() != Width || b.Dy() != Height {
		t.Fatalf("poster is %dx%d, want 750x1334", b.Dx(), b.Dy())
	}
	if dir := os.Getenv("POSTER_SAMPLE_DIR"); dir != "" {
		if err := os.WriteFile(filepath.Join(dir, "poster.png"), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// TestQRModulesMatchTheLink samples the poster at the centre of every module and compares
// it with go-qrcode's own bitmap of the link: the code a customer scans is the link the
// broadcast tracked, module for module.
func TestQRModulesMatchTheLink(t *testing.T) {
	r := renderer(t)
	in := sampleInput()
	img, g, err := r.drawGeom(in)
	if err != nil {
		t.Fatal(err)
	}
	want, err := qrcode.New(in.QRURL, qrcode.Medium)
	if err != nil {
		t.Fatal(err)
	}
	want.DisableBorder = true
	bits := want.Bitmap()
	if g.n != len(bits) || g.module < 4 {
		t.Fatalf("qr geometry %+v for a %d-module code: modules too small to scan", g, len(bits))
	}
	for y, row := range bits {
		for x, on := range row {
			c := img.RGBAAt(g.origin.X+x*g.module+g.module/2, g.origin.Y+y*g.module+g.module/2)
			if dark := luma(c) < 128; dark != on {
				t.Fatalf("module (%d,%d) dark=%v, want %v", x, y, dark, on)
			}
		}
	}
	// Quiet zone: a light ring of at least one module around the code.
	for i := -g.module; i < g.n*g.module+g.module; i += 2 {
		for _, p := range []image.Point{
			{g.origin.X + i, g.origin.Y - g.module/2}, {g.origin.X + i, g.origin.Y + g.n*g.module + g.module/2},
			{g.origin.X - g.module/2, g.origin.Y + i}, {g.origin.X + g.n*g.module + g.module/2, g.origin.Y + i},
		} {
			if luma(img.RGBAAt(p.X, p.Y)) < 200 {
				t.Fatalf("quiet zone pixel %v is dark", p)
			}
		}
	}
}

func luma(c color.RGBA) int { return (int(c.R)*299 + int(c.G)*587 + int(c.B)*114) / 1000 }

func TestMissingFontNamesThePath(t *testing.T) {
	path := filepath.Join(t.TempDir(), "no-such-font.ttc")
	_, err := New(path)
	if err == nil || !strings.Contains(err.Error(), path) {
		t.Fatalf("New(%q) error = %v, want one naming the path", path, err)
	}
	bad := filepath.Join(t.TempDir(), "broken.ttf")
	if err := os.WriteFile(bad, []byte("not a font"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := New(bad); err == nil || !strings.Contains(err.Error(), bad) {
		t.Fatalf("New(broken) error = %v, want one naming the path", err)
	}
}

func TestRequiredFields(t *testing.T) {
	r := renderer(t)
	for field, in := range map[string]Input{
		"title":  {QRURL: "https://x.example/r/1"},
		"qr_url": {Title: "春茶上新"},
	} {
		_, err := r.PNG(in)
		if siyu.ErrorCode(err) != siyu.EINVALID || !strings.Contains(siyu.ErrorMessage(err), field) {
			t.Errorf("missing %s: error %v, want invalid naming it", field, err)
		}
	}
}

func TestCoverIsDrawn(t *testing.T) {
	r := renderer(t)
	cover := image.NewRGBA(image.Rect(0, 0, 1280, 720))
	for y := 0; y < 720; y++ {
		for x := 0; x < 1280; x++ {
			cover.SetRGBA(x, y, color.RGBA{0x10, uint8(0x60 + y*0x40/720), uint8(0x30 + x*0x30/1280), 0xFF})
		}
	}
	in := sampleInput()
	in.Cover, in.Title, in.Brand, in.Caption = cover, "春茶上新专场", "Mountain Tea 山野茶舍", ""
	img, _, err := r.drawGeom(in)
	if err != nil {
		t.Fatal(err)
	}
	if dir := os.Getenv("POSTER_SAMPLE_DIR"); dir != "" {
		var buf bytes.Buffer
		if err := png.Encode(&buf, img); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "poster-cover.png"), buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// The middle of the cover area shows the cover's green.
	c := img.RGBAAt(Width/2, 700)
	if c.G < 0x70 || c.R > 0x30 {
		t.Fatalf("cover centre pixel %v, want the cover's green", c)
	}
}

func TestWrapTitle(t *testing.T) {
	r := renderer(t)
	fs, err := r.faces()
	if err != nil {
		t.Fatal(err)
	}
	long := sampleInput().Title
	lines := wrap(fs.title, long, contentW, 2)
	if len(lines) != 2 || !strings.HasSuffix(lines[1], ellipsis) {
		t.Fatalf("long title lines %q, want 2 ending with …", lines)
	}
	for _, l := range lines {
		if w := textWidth(fs.title, l); w > contentW {
			t.Errorf("line %q is %dpx wide, more than %d", l, w, contentW)
		}
	}
	if got := wrap(fs.title, "春茶上新", contentW, 2); len(got) != 1 || got[0] != "春茶上新" {
		t.Errorf("short title wrapped to %q", got)
	}
	// A closing mark hangs at the end of a line rather than starting the next one.
	for _, l := range wrap(fs.caption, "长按识别二维码，预约直播。领取专属优惠券，开播提醒不错过！", 300, 5) {
		if strings.ContainsAny(string([]rune(l)[:1]), noLineStart) {
			t.Errorf("line %q starts with a closing mark", l)
		}
	}
	// Latin words stay whole when there is a space to break at.
	for _, l := range wrap(fs.caption, "Spring tea tasting with Master Chen live tonight", 300, 5) {
		for _, w := range strings.Fields(l) {
			if !strings.Contains("Spring tea tasting with Master Chen live tonight", w) {
				t.Errorf("word split: %q in %q", w, l)
			}
		}
	}
}

// TestConcurrentRenders runs several renders at once (run with -race): broadcasts render
// one poster per recipient from a worker pool sharing one Renderer.
func TestConcurrentRenders(t *testing.T) {
	r := renderer(t)
	var wg sync.WaitGroup
	errs := make(chan error, 4)
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			in := sampleInput()
			in.QRURL += string(rune('a' + i))
			if _, err := r.PNG(in); err != nil {
				errs <- err
			}
		}(i)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
}

// BenchmarkPNG is one recipient's poster: a broadcast renders one per recipient.
func BenchmarkPNG(b *testing.B) {
	r := renderer(b)
	in := sampleInput()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := r.PNG(in); err != nil {
			b.Fatal(err)
		}
	}
}
