// Package poster draws the live-preview poster (直播预告海报) a broadcast sends to each
// recipient the day before a live: brand line, big title, time badge, cover and a QR code
// of the recipient's own tracked link. In Chinese private-domain practice the poster is
// what gets forwarded in chats and Moments, so it is a finished 750×1334 PNG (the phone
// screen size operators design for), not a web page a customer would have to open.
package poster

import (
	"bytes"
	"fmt"
	"image"
	"image/png"
	"os"
	"strings"

	"golang.org/x/image/font/opentype"
	"golang.org/x/image/font/sfnt"

	"github.com/siyu-live/siyu"
)

// Poster size in pixels: the 750-wide design canvas of Chinese mobile design tools.
const (
	Width  = 750
	Height = 1334
)

// Input is everything one poster shows; broadcasts build one per recipient.
type Input struct {
	Brand   string      // brand (tenant) name, top line
	Title   string      // live title, large, wrapped to at most 2 lines
	Time    string      // already-formatted time text, e.g. "12月8日 周二 20:00 开播"
	Cover   image.Image // session cover; nil → a brand-coloured gradient
	QRURL   string      // the per-recipient tracked link, drawn as a QR code
	Caption string      // small text under the QR, e.g. "长按识别二维码 预约直播"
}

// Renderer holds the parsed CJK font so a broadcast to thousands of recipients parses the
// 20 MB font file once. It is safe for concurrent use: each PNG call makes its own faces.
type Renderer struct {
	font *opentype.Font
}

// New parses the font at fontPath (a .ttc collection or a single .ttf/.otf). A missing or
// unreadable file is an error naming the path, so the operator knows what to install or
// which --font-path to pass.
func New(fontPath string) (*Renderer, error) {
	data, err := os.ReadFile(fontPath)
	if err != nil {
		return nil, fmt.Errorf("poster font %s: %w", fontPath, err)
	}
	f, err := parseFont(data)
	if err != nil {
		return nil, fmt.Errorf("poster font %s: %w", fontPath, err)
	}
	return &Renderer{font: f}, nil
}

// parseFont accepts a collection or a single font. From a collection it prefers the
// Simplified Chinese member ("… SC"), because CJK collections such as Noto Sans CJK put
// the Japanese one first and some hanzi are drawn differently there.
func parseFont(data []byte) (*opentype.Font, error) {
	if len(data) >= 4 && string(data[:4]) == "ttcf" {
		coll, err := opentype.ParseCollection(data)
		if err != nil {
			return nil, err
		}
		var buf sfnt.Buffer
		for i := 0; i < coll.NumFonts(); i++ {
			f, err := coll.Font(i)
			if err != nil {
				return nil, err
			}
			name, _ := f.Name(&buf, sfnt.NameIDFamily)
			if strings.HasSuffix(name, " SC") {
				return f, nil
			}
		}
		return coll.Font(0)
	}
	return opentype.Parse(data)
}

// PNG draws in as a 750×1334 PNG. The title and QR link are required: a poster without
// either is useless to the customer who receives it.
func (r *Renderer) PNG(in Input) ([]byte, error) {
	if strings.TrimSpace(in.Title) == "" {
		return nil, siyu.Invalid("title", "title: required for a poster")
	}
	if strings.TrimSpace(in.QRURL) == "" {
		return nil, siyu.Invalid("qr_url", "qr_url: required for a poster")
	}
	img, err := r.draw(in)
	if err != nil {
		return nil, err
	}
	var out bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.BestSpeed}
	if err := enc.Encode(&out, img); err != nil {
		return nil, fmt.Errorf("poster: encode png: %w", err)
	}
	return out.Bytes(), nil
}
