// Package arxivtest generates Kaggle-format arXiv metadata for tests and
// benchmarks: new records with the real sample's shape (field set, lengths,
// author counts, categories, version counts), reproducible from a seed.
package arxivtest

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math/rand"
	"os"
	"strings"
	"time"

	"github.com/quire/quire/internal/arxiv"
)

// Templates reads real Kaggle lines to imitate.
func Templates(path string) ([][]byte, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var out [][]byte
	for _, l := range bytes.Split(b, []byte("\n")) {
		if len(bytes.TrimSpace(l)) > 0 {
			out = append(out, l)
		}
	}
	return out, nil
}

// Write writes n records to w. Record i gets id 2401.00000+i (then later
// months), so ids are unique and sorted; text is recombined from the
// templates' words, so lengths and vocabulary stay realistic.
func Write(w io.Writer, templates [][]byte, n int, seed int64) error {
	return WriteDaily(w, templates, n, seed, 0)
}

// WriteDaily is Write with the first versions spread over weekdays from
// Tuesday 2026-01-06, perDay papers a day, each submitted at 15:00 UTC
// (before arXiv's cut-off), so that listing days hold perDay papers; 0
// keeps Write's single date.
func WriteDaily(w io.Writer, templates [][]byte, n int, seed int64, perDay int) error {
	var recs []arxiv.KaggleRecord
	var words []string
	for _, t := range templates {
		var r arxiv.KaggleRecord
		if err := json.Unmarshal(t, &r); err != nil {
			return err
		}
		recs = append(recs, r)
		words = append(words, strings.Fields(r.Abstract)...)
	}
	if len(recs) == 0 {
		return fmt.Errorf("no templates")
	}
	rng := rand.New(rand.NewSource(seed))
	bw := bufio.NewWriterSize(w, 1<<20)
	enc := json.NewEncoder(bw)
	for i := 0; i < n; i++ {
		shape := recs[rng.Intn(len(recs))]
		r := shape
		month := i / 99999
		r.ID = fmt.Sprintf("%02d%02d.%05d", 24+month/12, 1+month%12, i%99999+1)
		r.Title = recombine(rng, words, len(strings.Fields(shape.Title)))
		r.Abstract = recombine(rng, words, len(strings.Fields(shape.Abstract)))
		r.Versions = nil
		for v := 1; v <= 1+rng.Intn(3); v++ {
			created := fmt.Sprintf("Mon, %d Jan 2024 1%d:00:00 GMT", 1+v*3, v)
			if perDay > 0 {
				created = weekday(i/perDay).AddDate(0, 0, 7*(v-1)).Format(time.RFC1123)
			}
			r.Versions = append(r.Versions, arxiv.KaggleVersion{Version: fmt.Sprintf("v%d", v), Created: created})
		}
		if err := enc.Encode(&r); err != nil {
			return err
		}
	}
	return bw.Flush()
}

func recombine(rng *rand.Rand, words []string, n int) string {
	n = max(n, 1)
	out := make([]string, n)
	for i := range out {
		out[i] = words[rng.Intn(len(words))]
	}
	return strings.Join(out, " ")
}

// weekday is the n-th weekday from Tuesday 2026-01-06, at 15:00 UTC.
func weekday(n int) time.Time {
	t := time.Date(2026, 1, 6, 15, 0, 0, 0, time.UTC)
	for ; n > 0; n-- {
		t = t.AddDate(0, 0, 1)
		for t.Weekday() == time.Saturday || t.Weekday() == time.Sunday {
			t = t.AddDate(0, 0, 1)
		}
	}
	return t
}
