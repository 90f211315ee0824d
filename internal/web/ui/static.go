package ui

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
)

//go:embed static
var staticFiles embed.FS

// assets serves the embedded static files under content-hash URLs
// (/static/<hash>/style.css), so browsers may cache them forever and a new
// release is fetched at once.
type assets struct {
	urls  map[string]string // name → hashed URL
	files map[string][]byte // hashed URL → content
}

func loadAssets() (*assets, error) {
	a := &assets{urls: map[string]string{}, files: map[string][]byte{}}
	err := fs.WalkDir(staticFiles, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := staticFiles.ReadFile(p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		name := strings.TrimPrefix(p, "static/")
		url := "/static/" + hex.EncodeToString(sum[:6]) + "/" + name
		a.urls[name], a.files[url] = url, b
		return nil
	})
	return a, err
}

// URL returns the hashed URL of a static file; an unknown name panics at
// template check time, never in production.
func (a *assets) URL(name string) string {
	u, ok := a.urls[name]
	if !ok {
		panic("ui: unknown static file " + name)
	}
	return u
}

// favicon answers /favicon.ico, the one asset browsers ask for by a fixed
// name; it may change with a release, so it is cached for a day only.
func (a *assets) favicon(w http.ResponseWriter, r *http.Request) {
	b := a.files[a.URL("favicon.ico")]
	w.Header().Set("Content-Type", "image/x-icon")
	w.Header().Set("Cache-Control", "public, max-age=86400")
	_, _ = w.Write(b)
}

func (a *assets) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b, ok := a.files[r.URL.Path]
	if !ok {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", mime.TypeByExtension(path.Ext(r.URL.Path)))
	w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	_, _ = w.Write(b)
}
