// Package eval measures search quality on test collections with relevance
// judgments (Cranfield, CISI …): nDCG@10, MAP and recall@100 for the
// lexical engine alone, the semantic engine alone, and their hybrid.
package eval

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"sort"
	"strconv"
	"strings"
)

// Doc is one document of a collection.
type Doc struct {
	ID      string `json:"id"`
	Title   string `json:"title"`
	Text    string `json:"text"`
	Authors string `json:"authors"`
}

// Query is one query.
type Query struct {
	ID   string `json:"id"`
	Text string `json:"text"`
}

// Qrels maps query id → document id → graded relevance (0 = judged not
// relevant).
type Qrels map[string]map[string]int

// LoadJSONL reads a JSON-lines file into a slice of T.
func LoadJSONL[T any](path string) ([]T, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []T
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for line := 1; sc.Scan(); line++ {
		if strings.TrimSpace(sc.Text()) == "" {
			continue
		}
		var v T
		if err := json.Unmarshal(sc.Bytes(), &v); err != nil {
			return nil, fmt.Errorf("%s line %d: %w", path, line, err)
		}
		out = append(out, v)
	}
	return out, sc.Err()
}

// LoadQrels reads "query-id corpus-id score" lines (TREC style, a header
// line allowed).
func LoadQrels(path string) (Qrels, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return ParseQrels(f, path)
}

// ParseQrels parses qrels from r.
func ParseQrels(r io.Reader, name string) (Qrels, error) {
	q := Qrels{}
	sc := bufio.NewScanner(r)
	for line := 1; sc.Scan(); line++ {
		f := strings.Fields(sc.Text())
		if len(f) == 0 || (line == 1 && f[0] == "query-id") {
			continue
		}
		if len(f) < 3 {
			return nil, fmt.Errorf("%s line %d: want query-id corpus-id score", name, line)
		}
		score, err := strconv.Atoi(f[len(f)-1])
		if err != nil {
			return nil, fmt.Errorf("%s line %d: score %q", name, line, f[len(f)-1])
		}
		if q[f[0]] == nil {
			q[f[0]] = map[string]int{}
		}
		q[f[0]][f[len(f)-2]] = score
	}
	return q, sc.Err()
}

// Metrics are averages over the judged queries.
type Metrics struct {
	NDCG10    float64 `json:"ndcg@10"`
	MAP       float64 `json:"map"`
	Recall100 float64 `json:"recall@100"`
	Queries   int     `json:"queries"`
}

// Score computes the metrics of ranked results (query id → document ids,
// best first). Queries without a relevant judged document are skipped, as
// trec_eval does.
func Score(runs map[string][]string, qrels Qrels) Metrics {
	var m Metrics
	ids := make([]string, 0, len(qrels))
	for id := range qrels {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, qid := range ids {
		rel := qrels[qid]
		relevant := 0
		var gains []int
		for _, g := range rel {
			if g > 0 {
				relevant++
				gains = append(gains, g)
			}
		}
		if relevant == 0 {
			continue
		}
		m.Queries++
		ranked := runs[qid]
		// nDCG@10 with linear gains, as trec_eval.
		var dcg, idcg float64
		sort.Sort(sort.Reverse(sort.IntSlice(gains)))
		for i := 0; i < 10; i++ {
			if i < len(ranked) {
				dcg += float64(rel[ranked[i]]) / math.Log2(float64(i+2))
			}
			if i < len(gains) {
				idcg += float64(gains[i]) / math.Log2(float64(i+2))
			}
		}
		m.NDCG10 += dcg / idcg
		// Average precision over the whole ranking, and recall at 100.
		var hits int
		var ap float64
		for i, d := range ranked {
			if rel[d] > 0 {
				hits++
				ap += float64(hits) / float64(i+1)
			}
			if i == 99 {
				m.Recall100 += float64(hits) / float64(relevant)
			}
		}
		if len(ranked) < 100 {
			m.Recall100 += float64(hits) / float64(relevant)
		}
		m.MAP += ap / float64(relevant)
	}
	if m.Queries > 0 {
		n := float64(m.Queries)
		m.NDCG10, m.MAP, m.Recall100 = m.NDCG10/n, m.MAP/n, m.Recall100/n
	}
	return m
}
