package main

import (
	"bufio"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"

	"github.com/quire/quire/internal/search"
)

// benchDoc is one generated paper.
type benchDoc struct {
	ID       string `json:"id"`
	Title    string `json:"title"`
	Abstract string `json:"abstract"`
}

// realAbstracts reads the real abstracts the repository carries (the demo
// corpus and the Kaggle sample) as the source of vocabulary, word
// frequencies and lengths.
func realAbstracts(root string) ([]string, error) {
	var out []string
	err := filepath.WalkDir(filepath.Join(root, "internal/demo/data"), func(p string, d fs.DirEntry, err error) error {
		if err != nil || !strings.HasSuffix(p, ".json.gz") {
			return err
		}
		f, err := os.Open(p)
		if err != nil {
			return err
		}
		defer f.Close()
		zr, err := gzip.NewReader(f)
		if err != nil {
			return err
		}
		var items []struct {
			Paper struct{ Summary string } `json:"paper"`
		}
		if err := json.NewDecoder(zr).Decode(&items); err != nil {
			return err
		}
		for _, it := range items {
			out = append(out, it.Paper.Summary)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	f, err := os.Open(filepath.Join(root, sample))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var r struct{ Abstract string }
		if json.Unmarshal(sc.Bytes(), &r) == nil {
			out = append(out, r.Abstract)
		}
	}
	return out, nil
}

// generate writes n documents. Each has a topic (one real abstract): a
// third of its words come from that abstract, the rest from the unigram
// distribution of all real abstracts, which keeps the real vocabulary,
// Zipfian frequencies and burstiness; lengths are real abstracts' lengths.
// Document i is the same for the same seed.
func generate(path string, real []string, n int, seed uint64) error {
	var pool []string
	var topics [][]string
	for _, a := range real {
		w := strings.Fields(a)
		if len(w) > 20 {
			topics = append(topics, w)
			pool = append(pool, w...)
		}
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer f.Close()
	bw := bufio.NewWriterSize(f, 1<<20)
	enc := json.NewEncoder(bw)
	rng := rand.New(rand.NewPCG(seed, 1))
	pick := func(topic []string) string {
		if rng.IntN(3) == 0 {
			return topic[rng.IntN(len(topic))]
		}
		return pool[rng.IntN(len(pool))]
	}
	for i := 0; i < n; i++ {
		topic := topics[rng.IntN(len(topics))]
		length := len(topics[rng.IntN(len(topics))])
		title := make([]string, 8+rng.IntN(7))
		for j := range title {
			title[j] = topic[rng.IntN(len(topic))]
		}
		abs := make([]string, length)
		for j := range abs {
			abs[j] = pick(topic)
		}
		if err := enc.Encode(benchDoc{ID: fmt.Sprintf("b%07d", i), Title: strings.Join(title, " "), Abstract: strings.Join(abs, " ")}); err != nil {
			return err
		}
	}
	return bw.Flush()
}

// queries draws count queries of 1–3 terms: each term from the frequent,
// middle or rare third of the vocabulary (by document frequency in the
// real abstracts), with equal chances.
func queries(real []string, count int, seed uint64) []string {
	df := map[string]int{}
	for _, a := range real {
		seen := map[string]bool{}
		for _, t := range search.Tokens(a) {
			if !seen[t] {
				seen[t] = true
				df[t]++
			}
		}
	}
	terms := make([]string, 0, len(df))
	for t, c := range df {
		if c >= 2 {
			terms = append(terms, t)
		}
	}
	sortByDF(terms, df)
	rng := rand.New(rand.NewPCG(seed, 2))
	band := len(terms) / 3
	out := make([]string, count)
	for i := range out {
		k := 1 + rng.IntN(3)
		q := make([]string, k)
		for j := range q {
			b := rng.IntN(3)
			q[j] = terms[b*band+rng.IntN(band)]
		}
		out[i] = strings.Join(q, " ")
	}
	return out
}
