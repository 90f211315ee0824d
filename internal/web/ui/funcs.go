package ui

import (
	"html/template"
	"net/url"
	"strings"
	"time"

	"github.com/quire/quire/internal/latex"
	"github.com/quire/quire/internal/model"
)

// funcs are the template functions. LaTeX rendering returns template.HTML:
// the latex package escapes every piece of source text it emits, which its
// fuzz test checks.
func (h *Handler) funcs() template.FuncMap {
	return template.FuncMap{
		"tex":       func(s string) template.HTML { return template.HTML(latex.Inline(s).HTML) },
		"texBlock":  func(s string) template.HTML { return template.HTML(latex.Block(s).HTML) },
		"plain":     latex.Text,
		"static":    func(name string) string { return h.assets.URL(name) },
		"pluralize": pluralize,
		"sub":       func(c cardView) cardView { c.Sub = true; return c },
		"compact":   compact,
		"date":      func(t time.Time) string { return t.UTC().Format("Jan 2, 2006") },
		"isoDate":   func(t time.Time) string { return t.UTC().Format("2006-01-02") },
		"dayURL":    func(d model.Date) string { return "/papers/date/" + d.String() },
		"dayLabel":  func(d model.Date) string { return model.DayPeriod(d).Label() },
		"periodURL": periodURL,
		"commentCtx": func(c *commentView, p any) map[string]any {
			return map[string]any{"C": c, "P": p}
		},
		"initials":      initials,
		"collectionURL": collectionURL,
		"orderLabel": func(o string) string {
			return map[string]string{model.OrderAdded: "as added", model.OrderRecent: "recently added first", model.OrderPublished: "newest on arXiv first"}[o]
		},
		"repoName": func(u string) string { return strings.TrimPrefix(strings.TrimPrefix(u, "https://"), "github.com/") },
	}
}

func periodURL(p model.Period) string { return "/papers/" + string(p.Kind) + "/" + p.Key() }

// authorSummary is the card's author line: the first three names.
func authorSummary(p *model.Paper) string {
	var b strings.Builder
	n := 0
	for _, a := range p.Authors {
		if a.Hidden {
			continue
		}
		if n++; n > 3 {
			b.WriteString(", …")
			break
		}
		if n > 1 {
			b.WriteString(", ")
		}
		b.WriteString(a.Name)
	}
	return b.String()
}

// initials stands in for avatars, which live on other hosts: the site makes
// no third-party requests.
func initials(s string) string {
	f := strings.Fields(s)
	out := ""
	for _, w := range f {
		for _, r := range w {
			out += strings.ToUpper(string(r))
			break
		}
		if len(out) >= 2 {
			break
		}
	}
	return out
}

func queryEscape(s string) string { return url.QueryEscape(s) }
