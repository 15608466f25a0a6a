package wordfilter

// Fold exposes the normalized text and its breaks to the external tests, so the fuzz
// test can check Match against a naive matcher built on the same data. slow forces
// the NFKC library, to check the quick path against it.
func Fold(s string, slow bool) (string, []bool) {
	sc := getScratch()
	defer putScratch(sc)
	t, brk := sc.fold(s)
	if slow {
		t, brk = sc.slow(s)
	}
	return string(t), append([]bool(nil), brk...)
}

// QuickNFKC exposes quickNFKC to the test that checks it against the NFKC library.
var QuickNFKC = quickNFKC
