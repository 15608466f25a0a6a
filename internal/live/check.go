package live

// CheckText trims s and checks its length (in characters) and that it holds no control
// characters (line breaks allowed where multiline): the one rule for names, titles and
// announcements a brand types, so every domain words the same invalid error naming the
// field.
func CheckText(field, s string, min, max int, multiline bool) (string, error) {
	return text(field, s, min, max, multiline)
}

// CheckURL checks an optional absolute http(s) URL of at most MaxURLLen bytes (covers,
// avatars, links), empty meaning none.
func CheckURL(field, s string) (string, error) { return httpURL(field, s) }
