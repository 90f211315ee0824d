package ui

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"strings"
	"sync"
)

//go:embed templates/*.html
var templateFiles embed.FS

// pages are the views; each is parsed with layout.html and the partials.
// Parsing all of them at start-up turns a template error into a start-up
// failure instead of a broken page.
var pages = []string{"list", "paper", "search", "org", "orgs", "error", "admin", "signup", "login", "settings", "submit", "user", "moderation", "notice", "new", "status", "library", "collection", "import", "following", "foryou"}

type engine struct {
	views map[string]*template.Template
}

func newEngine(funcs template.FuncMap) (*engine, error) {
	partials, err := fs.Glob(templateFiles, "templates/_*.html")
	if err != nil {
		return nil, err
	}
	e := &engine{views: map[string]*template.Template{}}
	for _, name := range pages {
		files := append([]string{"templates/layout.html", "templates/" + name + ".html"}, partials...)
		t, err := template.New("layout.html").Funcs(funcs).ParseFS(templateFiles, files...)
		if err != nil {
			return nil, fmt.Errorf("ui: parse %s: %w", name, err)
		}
		e.views[name] = t
	}
	return e, nil
}

// render executes a view into a buffer, so that a failing template never
// sends half a page.
// render executes a view into a buffer from bufs; the caller writes it out
// and puts it back (done). A listing page is half a megabyte: grown afresh
// on every request, its buffer was a good part of what a request allocated,
// and garbage is what costs most on a server holding a million papers.
func (e *engine) render(name string, data any) (buf *bytes.Buffer, done func(), err error) {
	t, ok := e.views[name]
	if !ok {
		return nil, nil, fmt.Errorf("ui: no view %q", name)
	}
	buf = bufs.Get().(*bytes.Buffer)
	buf.Reset()
	done = func() {
		if buf.Cap() <= 4<<20 { // a rare huge page is not kept
			bufs.Put(buf)
		}
	}
	if err := t.Execute(buf, data); err != nil {
		done()
		return nil, nil, fmt.Errorf("ui: render %s: %w", name, err)
	}
	return buf, done, nil
}

var bufs = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// pluralize returns "1 author" or "7 authors".
func pluralize(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

// compact formats counts like the seed page: 950, 1.2k, 12k.
func compact(n int) string {
	switch {
	case n < 1000:
		return fmt.Sprint(n)
	case n < 10000:
		s := fmt.Sprintf("%.1fk", float64(n)/1000)
		return strings.Replace(s, ".0k", "k", 1)
	}
	return fmt.Sprintf("%dk", n/1000)
}
