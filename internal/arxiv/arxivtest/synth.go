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
			r.Versions = append(r.Versions, arxiv.KaggleVersion{Version: fmt.Sprintf("v%d", v),
				Created: fmt.Sprintf("Mon, %d Jan 2024 1%d:00:00 GMT", 1+v*3, v)})
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
