// Package ingest brings papers from outside sources into the store. Each
// source is parsed by its own package (hf, arxiv); this package walks inputs,
// applies the merge rules and reports what happened per file.
package ingest

import (
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/quire/quire/internal/hf"
	"github.com/quire/quire/internal/model"
	"github.com/quire/quire/internal/store"
)

// FileError is a file that could not be imported, with the reason.
type FileError struct {
	Path string
	Err  error
}

func (e FileError) Error() string { return e.Path + ": " + e.Err.Error() }

// Report sums up an import.
type Report struct {
	Files    int
	Papers   int
	Inserted int
	Updated  int
	Failed   []FileError
}

// Source is one named input: a file on disk or an embedded one.
type Source struct {
	Name string
	Open func() (io.ReadCloser, error)
}

// HFPaths expands files and folders (recursively, *.json) into sources, in
// name order so that imports are repeatable.
func HFPaths(paths []string) ([]Source, error) {
	var out []Source
	for _, p := range paths {
		st, err := os.Stat(p)
		if err != nil {
			return nil, err
		}
		if !st.IsDir() {
			out = append(out, fileSource(p))
			continue
		}
		var found []string
		err = filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if !d.IsDir() && (strings.HasSuffix(d.Name(), ".json") || strings.HasSuffix(d.Name(), ".json.gz")) {
				found = append(found, path)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
		sort.Strings(found)
		for _, f := range found {
			out = append(out, fileSource(f))
		}
	}
	return out, nil
}

func fileSource(path string) Source {
	return Source{Name: path, Open: func() (io.ReadCloser, error) { return os.Open(path) }}
}

// FSSources returns the *.json files of an fs.FS as sources (the embedded demo
// corpus).
func FSSources(fsys fs.FS) ([]Source, error) {
	names, err := fs.Glob(fsys, "*.json*")
	if err != nil {
		return nil, err
	}
	names = slices.DeleteFunc(names, func(n string) bool { return !strings.HasSuffix(n, ".json") && !strings.HasSuffix(n, ".json.gz") })
	out := make([]Source, len(names))
	for i, n := range names {
		out[i] = Source{Name: n, Open: func() (io.ReadCloser, error) { return fsys.Open(n) }}
	}
	return out, nil
}

// HF imports Hugging Face daily-papers responses. Each file is parsed whole
// and written in one transaction, so a malformed file writes nothing; the
// other files still import. A file named YYYY-MM-DD.json is taken to be the
// response for that date.
func HF(ctx context.Context, st store.PaperStore, srcs []Source, log *slog.Logger) Report {
	var rep Report
	for _, src := range srcs {
		if ctx.Err() != nil {
			rep.Failed = append(rep.Failed, FileError{src.Name, ctx.Err()})
			continue
		}
		n, res, err := importHFFile(ctx, st, src)
		if err != nil {
			rep.Failed = append(rep.Failed, FileError{src.Name, err})
			log.Error("import failed", slog.String("file", src.Name), slog.Any("error", err))
			continue
		}
		rep.Files++
		rep.Papers += n
		rep.Inserted += res.Inserted
		rep.Updated += res.Updated
		log.Debug("imported", slog.String("file", src.Name), slog.Int("papers", n))
	}
	return rep
}

func importHFFile(ctx context.Context, st store.PaperStore, src Source) (int, store.UpsertResult, error) {
	f, err := src.Open()
	if err != nil {
		return 0, store.UpsertResult{}, err
	}
	defer f.Close()
	var r io.Reader = f
	if strings.HasSuffix(src.Name, ".gz") {
		zr, err := gzip.NewReader(f)
		if err != nil {
			return 0, store.UpsertResult{}, err
		}
		r = zr
	}
	papers, err := hf.Parse(r, DayFromName(src.Name))
	if err != nil {
		return 0, store.UpsertResult{}, err
	}
	res, err := st.UpsertPapers(ctx, papers)
	if err != nil {
		return 0, res, fmt.Errorf("write: %w", err)
	}
	return len(papers), res, nil
}

// DayFromName returns the date in a file name like "2025-06-02.json", or the
// zero Date.
func DayFromName(name string) model.Date {
	base, _, _ := strings.Cut(filepath.Base(name), ".")
	d, err := model.ParseDate(base)
	if err != nil {
		return model.Date{}
	}
	return d
}
