package poster

import (
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"strings"

	"github.com/skip2/go-qrcode"
	xdraw "golang.org/x/image/draw"
	"golang.org/x/image/font"
	"golang.org/x/image/font/opentype"
)

// Layout constants, in poster pixels.
const (
	margin     = 48
	contentW   = Width - 2*margin
	titleSize  = 60
	titleLead  = 82
	cardRadius = 28
	qrCardH    = 300
	qrBox      = 236 // white square the QR code and its quiet zone sit in
	qrQuiet    = 2   // quiet-zone modules kept around the code inside qrBox
)

// faces are the sizes one poster uses, made per call because a font.Face caches glyphs
// and is not safe for concurrent use.
type faces struct {
	brand, title, badge, tag, caption, small font.Face
}

func (r *Renderer) faces() (faces, error) {
	var fs faces
	for _, f := range []struct {
		dst  *font.Face
		size float64
	}{{&fs.brand, 30}, {&fs.title, titleSize}, {&fs.badge, 30}, {&fs.tag, 24}, {&fs.caption, 32}, {&fs.small, 24}} {
		face, err := opentype.NewFace(r.font, &opentype.FaceOptions{Size: f.size, DPI: 72, Hinting: font.HintingNone})
		if err != nil {
			return fs, fmt.Errorf("poster: font face: %w", err)
		}
		*f.dst = face
	}
	return fs, nil
}

// qrGeometry is where the QR modules land: the tests sample the poster at each module's
// centre to prove the code drawn is the code of the link.
type qrGeometry struct {
	origin image.Point // top-left of module (0,0)
	module int         // module size in pixels
	n      int         // modules per side
}

// draw lays out the poster top to bottom: brand line, title, time badge, cover, QR card.
func (r *Renderer) draw(in Input) (*image.RGBA, error) {
	img, _, err := r.drawGeom(in)
	return img, err
}

func (r *Renderer) drawGeom(in Input) (*image.RGBA, qrGeometry, error) {
	fs, err := r.faces()
	if err != nil {
		return nil, qrGeometry{}, err
	}
	qr, err := qrcode.New(in.QRURL, qrcode.Medium)
	if err != nil {
		return nil, qrGeometry{}, fmt.Errorf("poster: qr code: %w", err)
	}
	qr.DisableBorder = true

	img := image.NewRGBA(image.Rect(0, 0, Width, Height))
	fillGradient(img, img.Bounds(), colTop, colBottom)

	y := drawBrand(img, fs, in.Brand)
	y = drawTitle(img, fs, in.Title, y)
	y = drawBadge(img, fs, in.Time, y)

	qrTop := Height - margin - qrCardH
	drawCover(img, fs, in.Cover, image.Rect(margin, y+36, Width-margin, qrTop-36))
	geom := drawQRCard(img, fs, qr.Bitmap(), in, image.Rect(margin, qrTop, Width-margin, qrTop+qrCardH))
	return img, geom, nil
}

// drawBrand draws the round brand mark and name, and the "直播预告" tag on the right;
// it returns the y the title starts below.
func drawBrand(img *image.RGBA, fs faces, brand string) int {
	brand = strings.TrimSpace(brand)
	if brand == "" {
		brand = "直播间"
	}
	cy := margin + 28
	fillCircle(img, margin+28, cy, 28, colWhite)
	initial := string([]rune(brand)[:1])
	drawText(img, fs.brand, colAccent, margin+28-textWidth(fs.brand, initial)/2, cy+11, initial, 1)
	name := wrap(fs.brand, brand, contentW-56-20-170, 1)[0]
	drawText(img, fs.brand, colWhite, margin+56+16, cy+11, name, 0)

	tag := "直播预告"
	tw := textWidth(fs.tag, tag)
	tr := image.Rect(Width-margin-tw-40, cy-22, Width-margin, cy+22)
	fillRound(img, tr, 22, color.NRGBA{0xFF, 0xFF, 0xFF, 0x48})
	drawText(img, fs.tag, colWhite, tr.Min.X+20, cy+9, tag, 0)
	return cy + 28 + 40
}

// drawTitle draws the title in up to two bold lines; it returns the y below it.
func drawTitle(img *image.RGBA, fs faces, title string, y int) int {
	for _, line := range wrap(fs.title, title, contentW, 2) {
		y += titleLead
		drawText(img, fs.title, colWhite, margin, y-18, line, 1)
	}
	return y + 8
}

// drawBadge draws the start time in a white pill with a red "live" dot; it returns the
// y below the badge. No time text → no badge.
func drawBadge(img *image.RGBA, fs faces, when string, y int) int {
	when = strings.TrimSpace(when)
	if when == "" {
		return y
	}
	when = wrap(fs.badge, when, contentW-80, 1)[0]
	h := 60
	w := textWidth(fs.badge, when) + 80
	r := image.Rect(margin, y+12, margin+w, y+12+h)
	fillRound(img, r, h/2, colWhite)
	fillCircle(img, r.Min.X+30, r.Min.Y+h/2, 9, colAccent)
	drawText(img, fs.badge, colAccent, r.Min.X+52, r.Min.Y+h/2+11, when, 0)
	return r.Max.Y
}

// drawCover fills r with the session cover (scaled to cover the area and centre-cropped)
// or, without one, a soft gradient with a play button, so a poster never has a hole.
func drawCover(img *image.RGBA, fs faces, cover image.Image, r image.Rectangle) {
	if r.Dy() < 80 {
		return
	}
	fillRound(img, r.Add(image.Pt(0, 8)), cardRadius, shadow)
	area := image.NewRGBA(image.Rect(0, 0, r.Dx(), r.Dy()))
	if cover != nil && !cover.Bounds().Empty() {
		xdraw.BiLinear.Scale(area, area.Bounds(), cover, cropTo(cover.Bounds(), r.Dx(), r.Dy()), xdraw.Src, nil)
	} else {
		fillGradient(area, area.Bounds(), color.RGBA{0xFF, 0xB4, 0x8A, 0xFF}, color.RGBA{0xF2, 0x5C, 0x6E, 0xFF})
		c := image.Pt(area.Bounds().Dx()/2, area.Bounds().Dy()/2)
		fillCircle(area, c.X, c.Y, 62, color.NRGBA{0xFF, 0xFF, 0xFF, 0x66})
		fillCircle(area, c.X, c.Y, 48, colWhite)
		playTriangle(area, c, 20, colAccent)
	}
	drawRound(img, r, cardRadius, area)
	tag := "LIVE"
	tr := image.Rect(r.Min.X+24, r.Min.Y+24, r.Min.X+24+textWidth(fs.tag, tag)+56, r.Min.Y+24+44)
	fillRound(img, tr, 22, colAccent)
	fillCircle(img, tr.Min.X+22, tr.Min.Y+22, 6, colWhite)
	drawText(img, fs.tag, colWhite, tr.Min.X+36, tr.Min.Y+31, tag, 0)
}

// cropTo returns the centred part of src with the aspect ratio w:h.
func cropTo(src image.Rectangle, w, h int) image.Rectangle {
	sw, sh := src.Dx(), src.Dy()
	if sw*h > sh*w { // source wider: cut the sides
		cw := sh * w / h
		x := src.Min.X + (sw-cw)/2
		return image.Rect(x, src.Min.Y, x+cw, src.Max.Y)
	}
	ch := sw * h / w
	y := src.Min.Y + (sh-ch)/2
	return image.Rect(src.Min.X, y, src.Max.X, y+ch)
}

// playTriangle draws a right-pointing triangle of half-height s centred on c.
func playTriangle(dst *image.RGBA, c image.Point, s int, col color.RGBA) {
	for dy := -s; dy <= s; dy++ {
		half := s - abs(dy)
		for dx := -s*2/3 + 4; dx <= -s*2/3+4+2*half; dx++ {
			dst.SetRGBA(c.X+dx, c.Y+dy, col)
		}
	}
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// drawQRCard draws the cream card with the QR code on the left and the caption and brand
// on the right; it returns where the modules are.
func drawQRCard(img *image.RGBA, fs faces, bits [][]bool, in Input, r image.Rectangle) qrGeometry {
	fillRound(img, r.Add(image.Pt(0, 8)), cardRadius, shadow)
	fillRound(img, r, cardRadius, colCard)

	box := image.Rect(r.Min.X+32, r.Min.Y+(r.Dy()-qrBox)/2, r.Min.X+32+qrBox, r.Min.Y+(r.Dy()-qrBox)/2+qrBox)
	fillRound(img, box, 12, colWhite)
	n := len(bits)
	mod := qrBox / (n + 2*qrQuiet)
	side := mod * n
	g := qrGeometry{origin: image.Pt(box.Min.X+(qrBox-side)/2, box.Min.Y+(qrBox-side)/2), module: mod, n: n}
	for y, row := range bits {
		for x, on := range row {
			if on {
				m := image.Rect(0, 0, mod, mod).Add(g.origin.Add(image.Pt(x*mod, y*mod)))
				draw.Draw(img, m, image.NewUniform(colInk), image.Point{}, draw.Src)
			}
		}
	}

	tx := box.Max.X + 32
	tw := r.Max.X - 28 - tx
	caption := strings.TrimSpace(in.Caption)
	if caption == "" {
		caption = "长按识别二维码 预约直播"
	}
	ty := box.Min.Y + 14
	for _, line := range wrap(fs.caption, caption, tw, 3) {
		ty += 46
		drawText(img, fs.caption, colInk, tx, ty, line, 1)
	}
	fillRound(img, image.Rect(tx, ty+26, tx+56, ty+32), 3, colAccent)
	hint := "开播提醒 · 回放 · 专属福利"
	if b := strings.TrimSpace(in.Brand); b != "" {
		hint = "来自 " + b
	}
	for _, line := range wrap(fs.small, hint, tw, 2) {
		ty += 40
		drawText(img, fs.small, colMuted, tx, ty+30, line, 0)
	}
	return g
}
