// Package wordfilter is the banned-word (屏蔽词) filter of a live room's comments.
// A host sets banned words per session and a comment that hits one is shown only to
// its sender, so the filter has to see through the tricks viewers use to slip a word
// past it, while leaving ordinary comments alone.
//
// # Normalization
//
// Banned words and comments both go through [Normalize] before they are compared:
//
//  1. Unicode NFKC folds full-width forms (ＷＸ, ｖｘ１２３ → wx, vx123), ligatures
//     (ﬁ → fi), circled and parenthesized letters (ⓦⓧ, ⒲⒳ → wx), mathematical
//     letters (𝐯𝐱 → vx), superscripts and the other compatibility forms.
//  2. Lower case: WeiXin, wEiXiN → weixin.
//  3. Every rune that is not a letter, a digit or a CJK ideograph is dropped: spaces,
//     punctuation, symbols, emoji and their variation selectors, zero-width characters
//     (U+200B…U+200D, U+FEFF, U+2060), combining marks and invalid UTF-8. So 微.信,
//     微 信, 微-_-信 and 微\u200b信 become 微信, 加❤️微❤️信 becomes 加微信 and
//     "w e i x i n" becomes weixin.
//  4. If dropping runes brought together two that NFKC composes (Korean jamo), the
//     text is normalized again, so that Normalize(Normalize(s)) == Normalize(s).
//
// # Matching rules
//
// A comment hits a banned word when the normalized word occurs in the normalized
// comment as a substring. That is what merchants expect for Chinese, which has no
// spaces between words: 微信 blocks 加我微信吧, and fuck blocks fucking.
//
// Short ASCII words, whose normalized form is 1 to 3 ASCII letters or digits (vx, wx,
// qq), hide inside many ordinary English words, so they also need a letter boundary
// on both sides: the match must not touch an ASCII letter of the normalized comment,
// unless something was dropped in between (a space, punctuation, an emoji, a
// zero-width character). Digits and CJK characters are boundaries, so contact
// details still match. With the banned word vx:
//
//	hit:     加vx123  vx:abc  我的VX是  ｖｘ１２３  123vx  加 v x  add my vx pls
//	no hit:  vxyz是什么  devx  advx  vivid
//
// and a separator inside the match does not make a boundary: wx does not hit
// "new xbox" (normalized newxbox, w is preceded by the letter e).
//
// When several banned words occur, [Filter.Match] reports the one whose match ends
// first in the normalized comment and, among those ending at the same place, the
// longest.
//
// # Known limits
//
//   - Traditional and simplified Chinese are not folded (淘寶 does not hit 淘宝), nor
//     are homophones and pinyin (威信, V信 and weixin are not 微信): ban each form.
//   - Look-alike letters of other scripts (Cyrillic а, Greek ο) are not folded, and
//     digits are never folded to letters (0 is not o): folding stays conservative so
//     that ordinary comments are not blocked by accident. The lookalike table in
//     normalize.go is where such folding can be added later.
//   - Letters inserted between the runes (微a信) and words split over several
//     comments are not caught.
//   - Dropping separators can join words: 加微 hits "喜欢就加，微笑一下".
//   - Scripts that write vowels as combining marks (Devanagari, Thai) lose them.
//
// Comments are capped at 300 runes elsewhere; Match is linear in its input anyway,
// so a megabyte of text costs milliseconds, not more.
package wordfilter
