package commerce

import (
	"regexp"
	"strings"

	"github.com/siyu-live/siyu"
)

// Address is a delivery address in the shape every Chinese checkout uses: receiver,
// phone, then province / city / district and the street detail.
type Address struct {
	Name     string `json:"name"`
	Phone    string `json:"phone"`
	Province string `json:"province"`
	City     string `json:"city"`
	District string `json:"district"`
	Detail   string `json:"detail"`
}

var (
	mobileRe   = regexp.MustCompile(`^1[3-9][0-9]{9}$`)
	landlineRe = regexp.MustCompile(`^0[0-9]{2,3}-?[0-9]{7,8}$`)
)

// normalize checks every field and returns the cleaned address. prefix is put before
// field names in errors ("address." inside an order body, "" when the body is the
// address itself), so the client can highlight the exact input.
func (a Address) normalize(prefix string) (Address, error) {
	var err error
	if a.Name, err = checkText(prefix+"name", a.Name, 1, 30); err != nil {
		return a, err
	}
	phone := strings.NewReplacer(" ", "", "\u00a0", "").Replace(strings.TrimSpace(a.Phone))
	phone = strings.TrimPrefix(strings.TrimPrefix(phone, "+86"), "0086")
	if phone == "" {
		return a, siyu.Invalid(prefix+"phone", "%sphone is required", prefix)
	}
	if !mobileRe.MatchString(phone) && !landlineRe.MatchString(phone) {
		return a, siyu.Invalid(prefix+"phone", "%sphone must be a mainland mobile number (11 digits starting with 1) or a landline with area code", prefix)
	}
	a.Phone = phone
	for _, f := range []struct {
		name string
		v    *string
		max  int
	}{{"province", &a.Province, 20}, {"city", &a.City, 20}, {"district", &a.District, 20}} {
		if *f.v, err = checkText(prefix+f.name, *f.v, 1, f.max); err != nil {
			return a, err
		}
	}
	if a.Detail, err = checkText(prefix+"detail", a.Detail, 4, 120); err != nil {
		return a, err
	}
	return a, nil
}
