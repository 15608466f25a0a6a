package poster

import (
	"image"
	"image/color"
	"image/draw"
	"math"
)

// Brand palette: the warm red-to-orange of Chinese live-commerce posters, readable white
// text on top and a cream QR card at the bottom.
var (
	colTop    = color.RGBA{0xD9, 0x2B, 0x3A, 0xFF}
	colBottom = color.RGBA{0xFF, 0x7A, 0x3D, 0xFF}
	colWhite  = color.RGBA{0xFF, 0xFF, 0xFF, 0xFF}
	colInk    = color.RGBA{0x26, 0x1A, 0x17, 0xFF}
	colMuted  = color.RGBA{0x8A, 0x74, 0x6C, 0xFF}
	colAccent = color.RGBA{0xE0, 0x3A, 0x3E, 0xFF}
	colCard   = color.RGBA{0xFF, 0xF8, 0xF2, 0xFF}
	shadow    = color.NRGBA{0x7A, 0x12, 0x12, 0x38}
)

// fillGradient paints r with a vertical gradient from a to b, writing pixels directly so
// a full-poster background costs a few milliseconds.
func fillGradient(dst *image.RGBA, r image.Rectangle, a, b color.RGBA) {
	r = r.Intersect(dst.Bounds())
	h := r.Dy()
	for y := r.Min.Y; y < r.Max.Y; y++ {
		t := 0.0
		if h > 1 {
			t = float64(y-r.Min.Y) / float64(h-1)
		}
		c := mix(a, b, t)
		row := dst.Pix[dst.PixOffset(r.Min.X, y):dst.PixOffset(r.Max.X, y)]
		for i := 0; i < len(row); i += 4 {
			row[i], row[i+1], row[i+2], row[i+3] = c.R, c.G, c.B, c.A
		}
	}
}

// mix linearly interpolates two opaque colours.
func mix(a, b color.RGBA, t float64) color.RGBA {
	l := func(x, y uint8) uint8 { return uint8(float64(x) + (float64(y)-float64(x))*t + 0.5) }
	return color.RGBA{l(a.R, b.R), l(a.G, b.G), l(a.B, b.B), 0xFF}
}

// roundMask returns the alpha mask of a rounded rectangle r with anti-aliased corners:
// an *image.Alpha, so image/draw takes its fast paths (a per-pixel mask type would cost
// an allocation per pixel on a 1-megapixel poster).
func roundMask(r image.Rectangle, radius int) *image.Alpha {
	m := image.NewAlpha(r)
	for i := range m.Pix {
		m.Pix[i] = 0xFF
	}
	rad := float64(radius)
	w, h := r.Dx(), r.Dy()
	for y := 0; y < radius && y < h; y++ {
		for x := 0; x < radius && x < w; x++ {
			d := math.Hypot(rad-(float64(x)+0.5), rad-(float64(y)+0.5))
			a := uint8(0xFF)
			switch cov := rad + 0.5 - d; {
			case cov <= 0:
				a = 0
			case cov < 1:
				a = uint8(cov * 255)
			}
			// The same coverage in all four corners.
			for _, p := range [4][2]int{{x, y}, {w - 1 - x, y}, {x, h - 1 - y}, {w - 1 - x, h - 1 - y}} {
				m.Pix[p[1]*m.Stride+p[0]] = a
			}
		}
	}
	return m
}

// fillRound paints a rounded rectangle in colour c (which may be translucent).
func fillRound(dst draw.Image, r image.Rectangle, radius int, c color.Color) {
	draw.DrawMask(dst, r, image.NewUniform(c), image.Point{}, roundMask(r, radius), r.Min, draw.Over)
}

// drawRound draws src (already sized to r) into r through a rounded mask.
func drawRound(dst draw.Image, r image.Rectangle, radius int, src image.Image) {
	draw.DrawMask(dst, r, src, src.Bounds().Min, roundMask(r, radius), r.Min, draw.Over)
}

// fillCircle paints a disc of radius rad centred on (cx, cy).
func fillCircle(dst draw.Image, cx, cy, rad int, c color.Color) {
	r := image.Rect(cx-rad, cy-rad, cx+rad, cy+rad)
	fillRound(dst, r, rad, c)
}
