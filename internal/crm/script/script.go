package script

import (
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/siyu-live/siyu"
	"github.com/siyu-live/siyu/internal/crm/talk"
)

// Snippet kinds: one reply of a script is a text, a picture, a video or a link card —
// what an agent pastes into a WeChat chat.
const (
	KindText  = "text"
	KindImage = "image"
	KindVideo = "video"
	KindLink  = "link"
)

// Kinds lists the snippet kinds in the order forms offer them.
var Kinds = []string{KindText, KindImage, KindVideo, KindLink}

// Limits of the library. They keep one script a handful of chat messages and a
// brand's library a list an agent can scan.
const (
	MaxCategoryName  = 20
	MaxCategories    = 50
	MaxTitle         = 60
	MaxKeywords      = 10
	MaxKeyword       = 20
	MaxSnippets      = 10
	MaxText          = 1000
	MaxURL           = 1000
	MaxLinkTitle     = 60
	MaxScripts       = 500
	MaxValue         = 500
	MaxQuery         = 60
	defaultCustomer  = "亲" // how a Chinese shop addresses a customer whose name it does not know
	uncategorisedKey = 0
)

// Category groups scripts in the library sidebar; Position orders them.
type Category struct {
	ID          int64     `json:"id"`
	Name        string    `json:"name"`
	Position    int64     `json:"position"`
	ScriptCount int64     `json:"script_count"`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
}

// CategoryInput is the body of POST /api/v1/script-categories; without a position the
// category goes last.
type CategoryInput struct {
	Name     string `json:"name"`
	Position *int64 `json:"position,omitempty"`
}

// CategoryPatch is the body of PATCH /api/v1/script-categories/{id}; absent fields stay.
type CategoryPatch struct {
	Name     *string `json:"name,omitempty"`
	Position *int64  `json:"position,omitempty"`
}

// Snippet is one reply of a script. Text may use {variables} (talk.Variables); a link
// has a URL and a title; a picture or video has a URL.
type Snippet struct {
	Kind  string `json:"kind"`
	Text  string `json:"text,omitempty"`
	URL   string `json:"url,omitempty"`
	Title string `json:"title,omitempty"`
}

// Script is a saved answer: its replies, how to find it and how often it was sent.
type Script struct {
	ID         int64     `json:"id"`
	CategoryID int64     `json:"category_id"` // 0: not in a category
	Category   string    `json:"category"`
	Title      string    `json:"title"`
	Keywords   []string  `json:"keywords"`
	Snippets   []Snippet `json:"snippets"`
	// Variables are the {variables} the snippets use, so a sender knows what to fill.
	Variables  []string  `json:"variables"`
	UseCount   int64     `json:"use_count"`
	LastUsedAt time.Time `json:"last_used_at,omitzero"`
	CreatedAt  time.Time `json:"created_at"`
	UpdatedAt  time.Time `json:"updated_at"`
}

// Input is the body of POST /api/v1/scripts.
type Input struct {
	Title      string    `json:"title"`
	CategoryID int64     `json:"category_id,omitempty"`
	Keywords   []string  `json:"keywords,omitempty"`
	Snippets   []Snippet `json:"snippets"`
}

// Patch is the body of PATCH /api/v1/scripts/{id}; absent fields stay. Snippets, when
// present, replace all of the script's replies.
type Patch struct {
	Title      *string    `json:"title,omitempty"`
	CategoryID *int64     `json:"category_id,omitempty"`
	Keywords   *[]string  `json:"keywords,omitempty"`
	Snippets   *[]Snippet `json:"snippets,omitempty"`
}

// Query filters the script list: Category nil for all, 0 for scripts in no category;
// Q searches titles, keywords and texts.
type Query struct {
	Category *int64
	Q        string
}

// RenderInput is the body of POST /api/v1/scripts/{id}/render: values for the
// variables, and optionally the customer the reply is for, whose profile name fills
// {name} when values has none.
type RenderInput struct {
	Values     map[string]string `json:"values,omitempty"`
	CustomerID int64             `json:"customer_id,omitempty"`
}

// Rendered is a script filled in for one customer, ready to send.
type Rendered struct {
	ScriptID int64     `json:"script_id"`
	Title    string    `json:"title"`
	Snippets []Snippet `json:"snippets"`
	// Text is all replies as one message (links and media as their URLs), what a copy
	// button puts on the clipboard.
	Text string `json:"text"`
	// Missing are variables the script uses that had no value and were left empty.
	Missing  []string `json:"missing"`
	UseCount int64    `json:"use_count"`
}

func runes(s string) int { return utf8.RuneCountInString(s) }

// CheckCategoryName trims and checks a category name.
func CheckCategoryName(v string) (string, error) {
	v = strings.TrimSpace(v)
	if n := runes(v); n == 0 || n > MaxCategoryName {
		return "", siyu.Invalid("name", "name must be 1–%d characters", MaxCategoryName)
	}
	return v, nil
}

// checkTitle trims and checks a script title.
func checkTitle(v string) (string, error) {
	v = strings.TrimSpace(v)
	if n := runes(v); n == 0 || n > MaxTitle {
		return "", siyu.Invalid("title", "title must be 1–%d characters", MaxTitle)
	}
	return v, nil
}

// CheckKeywords trims keywords, drops empty and repeated ones and checks the rest.
func CheckKeywords(in []string) ([]string, error) {
	out := []string{}
	seen := map[string]bool{}
	for _, k := range in {
		k = strings.TrimSpace(k)
		if k == "" || seen[strings.ToLower(k)] {
			continue
		}
		if runes(k) > MaxKeyword {
			return nil, siyu.Invalid("keywords", "keywords: %q is longer than %d characters", k, MaxKeyword)
		}
		seen[strings.ToLower(k)] = true
		out = append(out, k)
	}
	if len(out) > MaxKeywords {
		return nil, siyu.Invalid("keywords", "keywords: at most %d", MaxKeywords)
	}
	return out, nil
}

// CheckSnippets checks a script's replies and returns them trimmed, with the fields a
// kind does not use cleared. Text variables are checked against talk.Variables here, at
// save time, so a misspelt {nmae} is never sent to a customer.
func CheckSnippets(in []Snippet) ([]Snippet, error) {
	if len(in) == 0 {
		return nil, siyu.Invalid("snippets", "snippets: a script needs at least one reply")
	}
	if len(in) > MaxSnippets {
		return nil, siyu.Invalid("snippets", "snippets: at most %d replies", MaxSnippets)
	}
	out := make([]Snippet, 0, len(in))
	for i, s := range in {
		field := "snippets[" + strconv.Itoa(i) + "]"
		c := Snippet{Kind: strings.TrimSpace(s.Kind)}
		switch c.Kind {
		case KindText:
			c.Text = strings.TrimSpace(s.Text)
			if n := runes(c.Text); n == 0 || n > MaxText {
				return nil, siyu.Invalid(field+".text", "%s.text must be 1–%d characters", field, MaxText)
			}
			if err := talk.Check(field+".text", c.Text, talk.Variables); err != nil {
				return nil, siyu.Invalid(field+".text", "%s", siyu.ErrorMessage(err))
			}
		case KindImage, KindVideo, KindLink:
			u, err := checkURL(field+".url", s.URL)
			if err != nil {
				return nil, err
			}
			c.URL = u
			if c.Kind == KindLink {
				c.Title = strings.TrimSpace(s.Title)
				if n := runes(c.Title); n == 0 || n > MaxLinkTitle {
					return nil, siyu.Invalid(field+".title", "%s.title: a link needs a title of 1–%d characters", field, MaxLinkTitle)
				}
			}
		default:
			return nil, siyu.Invalid(field+".kind", "%s.kind must be one of %s", field, strings.Join(Kinds, ", "))
		}
		out = append(out, c)
	}
	return out, nil
}

// checkURL accepts an absolute http(s) URL: the customer's chat app opens it as is.
func checkURL(field, v string) (string, error) {
	v = strings.TrimSpace(v)
	u, err := url.Parse(v)
	if v == "" || len(v) > MaxURL || err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", siyu.Invalid(field, "%s must be an http(s) URL of at most %d characters", field, MaxURL)
	}
	return v, nil
}

// CheckValues checks render values: known variables only, each at most MaxValue
// characters.
func CheckValues(in map[string]string) (map[string]string, error) {
	out := make(map[string]string, len(in)+2)
	for k, v := range in {
		k = strings.TrimSpace(k)
		if !known(k) {
			return nil, siyu.Invalid("values", "values: unknown variable {%s} (variables: {%s})", k, strings.Join(talk.Variables, "}, {"))
		}
		if runes(v) > MaxValue {
			return nil, siyu.Invalid("values", "values: {%s} is longer than %d characters", k, MaxValue)
		}
		out[k] = strings.TrimSpace(v)
	}
	return out, nil
}

func known(name string) bool {
	for _, v := range talk.Variables {
		if v == name {
			return true
		}
	}
	return false
}

// UsedVariables lists the variables the text snippets use, in talk.Variables order.
func UsedVariables(snippets []Snippet) []string {
	out := []string{}
	for _, v := range talk.Variables {
		probe := map[string]string{v: "\x00"}
		for _, s := range snippets {
			if s.Kind == KindText && talk.Render(s.Text, probe) != talk.Render(s.Text, nil) {
				out = append(out, v)
				break
			}
		}
	}
	return out
}
