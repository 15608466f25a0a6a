package poster

import (
	"image"
	"image/color"
	"image/draw"
	"strings"
	"unicode"

	"golang.org/x/image/font"
	"golang.org/x/image/math/fixed"
)

// ellipsis ends a line that had to be cut.
const ellipsis = "…"

// noLineStart are the closing marks Chinese typesetting (禁则) never puts at the start
// of a line; they hang at the end of the previous one instead.
const noLineStart = "，。、；：！？）》」』】〕”’,.;:!?)…"

// wrap breaks text into at most maxLines lines no wider than maxW, measuring each rune
// with face (Chinese has no spaces, so lines break between any two hanzi). A Latin word
// is kept whole when the line has an earlier space to break at; closing punctuation
// hangs rather than starting a line; a newline is a forced break. Text that does not
// fit ends with "…".
func wrap(face font.Face, text string, maxW int, maxLines int) []string {
	limit := fixed.I(maxW)
	var lines []string
	for _, para := range strings.Split(strings.TrimSpace(text), "\n") {
		para = strings.Join(strings.Fields(para), " ")
		line := []rune{}
		for _, r := range para {
			if len(line) == 0 && r == ' ' {
				continue
			}
			next := append(line, r)
			if font.MeasureString(face, string(next)) <= limit || len(line) == 0 ||
				strings.ContainsRune(noLineStart, r) {
				line = next
				continue
			}
			head, tail := breakLatin(line, r)
			lines = append(lines, strings.TrimRight(string(head), " "))
			line = append(tail, r)
			if r == ' ' {
				line = tail
			}
		}
		lines = append(lines, strings.TrimRight(string(line), " "))
	}
	if len(lines) > maxLines {
		lines = lines[:maxLines]
		lines[maxLines-1] = fitEllipsis(face, lines[maxLines-1]+" ", limit)
	}
	return lines
}

// breakLatin chooses where a full line breaks before next. A Latin word that would be
// split moves whole to the next line when the line has a space to break at; a space in
// the second half of the line is taken as the phrase break Chinese copy uses it for
// ("长按识别二维码 预约直播"), so a short phrase is not split across lines.
func breakLatin(line []rune, next rune) (head, tail []rune) {
	if len(line) == 0 {
		return line, nil
	}
	inWord := isWordRune(next) && isWordRune(line[len(line)-1])
	for i := len(line) - 1; i > 0; i-- {
		if line[i] == ' ' {
			if inWord || i >= len(line)/2 {
				return line[:i], append([]rune{}, line[i+1:]...)
			}
			break
		}
		if inWord && !isWordRune(line[i]) {
			break
		}
	}
	return line, nil
}

// isWordRune reports Latin letters and digits, the runes a word must not be split in.
func isWordRune(r rune) bool {
	return r < 0x2E80 && (unicode.IsLetter(r) || unicode.IsDigit(r))
}

// fitEllipsis shortens s until s+"…" fits in limit.
func fitEllipsis(face font.Face, s string, limit fixed.Int26_6) string {
	rs := []rune(strings.TrimRight(s, " "))
	for len(rs) > 0 && font.MeasureString(face, string(rs)+ellipsis) > limit {
		rs = rs[:len(rs)-1]
	}
	// "碧螺春、…" reads as a typo: drop pauses and spaces before the ellipsis.
	for len(rs) > 0 && strings.ContainsRune(" ，、；：,;:", rs[len(rs)-1]) {
		rs = rs[:len(rs)-1]
	}
	return string(rs) + ellipsis
}

// drawText draws s with its baseline starting at (x, y). bold > 0 overdraws the glyphs
// shifted by up to bold pixels: the poster ships one font weight and a big title needs
// more presence than the regular cut gives.
func drawText(dst draw.Image, face font.Face, c color.Color, x, y int, s string, bold int) {
	d := font.Drawer{Dst: dst, Src: image.NewUniform(c), Face: face}
	for dx := 0; dx <= bold; dx++ {
		for dy := 0; dy <= bold; dy++ {
			d.Dot = fixed.P(x+dx, y+dy)
			d.DrawString(s)
		}
	}
}

// textWidth is the advance width of s in whole pixels.
func textWidth(face font.Face, s string) int {
	return font.MeasureString(face, s).Ceil()
}
