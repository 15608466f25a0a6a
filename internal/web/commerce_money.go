package web

import (
	"strconv"
	"strings"

	"github.com/siyu-live/siyu/internal/commerce"
)

// fenText writes fen as the yuan a merchant types back into a price field: always
// two decimals ("599.00", "0.01"), so what the form shows is what it saves.
func fenText(fen int64) string {
	sign := ""
	if fen < 0 {
		sign, fen = "-", -fen
	}
	return sign + strconv.FormatInt(fen/100, 10) + "." + twoDigits(fen%100)
}

func twoDigits(n int64) string {
	if n < 10 {
		return "0" + strconv.FormatInt(n, 10)
	}
	return strconv.FormatInt(n, 10)
}

// yuanFen reads an amount typed in yuan ("599", "599.9", "¥1,299.00") as fen with
// integer arithmetic only: a float would turn 0.29 into 28 fen. More than two
// decimals is refused rather than rounded, since the merchant meant something else.
// The second result is a catalog key when the text is not an amount.
func yuanFen(s string) (int64, string) {
	s = strings.TrimSpace(s)
	s = strings.TrimLeft(s, "¥￥")
	s = strings.ReplaceAll(strings.TrimSpace(s), ",", "")
	if s == "" {
		return 0, "commerce.err.price_required"
	}
	whole, frac, dot := strings.Cut(s, ".")
	if (whole == "" && (!dot || frac == "")) || len(frac) > 2 || !allDigits(whole) || !allDigits(frac) {
		if len(frac) > 2 && allDigits(whole) && allDigits(frac) {
			return 0, "commerce.err.price_decimals"
		}
		return 0, "commerce.err.price_format"
	}
	if len(strings.TrimLeft(whole, "0")) > 9 { // far beyond the highest price; avoids overflow
		return 0, "commerce.err.price_range"
	}
	var yuan int64
	if whole != "" {
		yuan, _ = strconv.ParseInt(whole, 10, 64)
	}
	frac += strings.Repeat("0", 2-len(frac))
	cents, _ := strconv.ParseInt(frac, 10, 64)
	return yuan*100 + cents, ""
}

// yuanToFen reads a product price: yuanFen plus the range a price may take.
func yuanToFen(s string) (int64, string) {
	fen, key := yuanFen(s)
	if key != "" {
		return 0, key
	}
	if fen < commerce.MinPriceFen || fen > commerce.MaxPriceFen {
		return fen, "commerce.err.price_range"
	}
	return fen, ""
}

func allDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// parseStock reads a stock count: a whole number from 0 to commerce.MaxStock.
func parseStock(s string) (int64, string) {
	s = strings.ReplaceAll(strings.TrimSpace(s), ",", "")
	if s == "" {
		return 0, "commerce.err.stock_required"
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 || n > commerce.MaxStock {
		return 0, "commerce.err.stock"
	}
	return n, ""
}
