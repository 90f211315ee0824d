package main

import (
	"database/sql"
	"fmt"
	"math"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/blevesearch/bleve/v2"
	index "github.com/blevesearch/bleve_index_api"
	_ "modernc.org/sqlite"

	"github.com/quire/quire/internal/model"
	"github.com/quire/quire/internal/search"
)

// engine is one search engine under test.
type engine interface {
	add(docs []benchDoc) error
	query(q string, k int) ([]string, error)
}

func newEngine(name, dir string) (engine, error) {
	switch name {
	case "quire":
		return &quireEngine{ix: search.New(nil)}, nil
	case "quire-rm3":
		return &quireEngine{ix: search.New(nil), texts: map[string]string{}}, nil
	case "textbook":
		return &textbook{postings: map[string][]tbPosting{}, exact: map[string][]int32{}}, nil
	case "fts5":
		return newFTS5(filepath.Join(dir, "fts5.db"))
	case "bleve":
		m := bleve.NewIndexMapping()
		m.ScoringModel = index.BM25Scoring
		ix, err := bleve.New(filepath.Join(dir, "bleve"), m)
		return &bleveEngine{ix: ix}, err
	}
	return nil, fmt.Errorf("unknown engine %q", name)
}

// quireEngine is quire's own lexical index (BM25 with the title counted
// twice), as the product uses it; with texts ("quire-rm3"), the lexical
// side of its hybrid search as the hybrid runs it: RM3 feedback from the
// first pass's papers, whose texts come from memory here (from the store
// in the server), both passes FusionDepth deep.
type quireEngine struct {
	ix    *search.Index
	texts map[string]string
}

func (e *quireEngine) add(docs []benchDoc) error {
	for _, d := range docs {
		e.put(d)
	}
	return nil
}

func (e *quireEngine) put(d benchDoc) {
	e.ix.Put(&model.Paper{ID: d.ID, Title: d.Title, Summary: d.Abstract})
	if e.texts != nil {
		e.texts[d.ID] = d.Title + " " + d.Abstract
	}
}

func (e *quireEngine) query(q string, k int) ([]string, error) {
	var hits []search.Hit
	if e.texts != nil {
		// As deep as the hybrid asks, the depth of the rankings it fuses.
		hits = e.ix.LexicalFeedback(q, max(k, search.FusionDepth), func(ids []string) map[string]string {
			out := make(map[string]string, len(ids))
			for _, id := range ids {
				out[id] = e.texts[id]
			}
			return out
		})
	} else {
		hits = e.ix.Lexical(q, k)
	}
	hits = hits[:min(k, len(hits))]
	out := make([]string, len(hits))
	for i, h := range hits {
		out[i] = h.ID
	}
	return out, nil
}

// textbook is the reference: BM25 as written in the textbooks (Robertson
// and Zaragoza 2009; k1 1.2, b 0.75, idf log(1 + (N − df + 0.5)/(df + 0.5))),
// exhaustive, in float64, over the same stems and title weighting, each
// term's score 1.15 times in a document with the query's own form of it
// (quire's documented ranking).
type textbook struct {
	postings map[string][]tbPosting
	exact    map[string][]int32 // surface form → documents holding it, ascending
	lens     []float64
	ids      []string
}

// tbPosting holds a count exactly in a float32 (it is a small integer),
// and takes half the memory of int and float64: at 2.7 M documents the
// reference must fit beside the corpus.
type tbPosting struct {
	doc int32
	tf  float32
}

func (e *textbook) add(docs []benchDoc) error {
	for _, d := range docs {
		tf := map[string]float64{}
		forms := map[string]bool{}
		var n float64
		for _, t := range search.Tokens(d.Title) {
			tf[search.Stem(t)] += 2
			forms[t] = true
			n += 2
		}
		for _, t := range search.Tokens(d.Abstract) {
			tf[search.Stem(t)]++
			forms[t] = true
			n++
		}
		for t, f := range tf {
			e.postings[t] = append(e.postings[t], tbPosting{int32(len(e.ids)), float32(f)})
		}
		for f := range forms {
			e.exact[f] = append(e.exact[f], int32(len(e.ids)))
		}
		e.ids = append(e.ids, d.ID)
		e.lens = append(e.lens, n)
	}
	return nil
}

func (e *textbook) query(q string, k int) ([]string, error) {
	var total float64
	for _, l := range e.lens {
		total += l
	}
	n, avg := float64(len(e.ids)), total/float64(len(e.ids))
	score := map[int32]float64{}
	forms := map[string][]string{} // stem → the query's forms of it
	var stems []string
	for _, t := range search.Tokens(q) {
		st := search.Stem(t)
		if forms[st] == nil {
			stems = append(stems, st)
		}
		forms[st] = append(forms[st], t)
	}
	for _, st := range stems {
		ps := e.postings[st]
		df := float64(len(ps))
		idf := math.Log(1 + (n-df+0.5)/(df+0.5))
		for _, p := range ps {
			tf := float64(p.tf)
			s := idf * tf * 2.2 / (tf + 1.2*(0.25+0.75*e.lens[p.doc]/avg))
			for _, f := range forms[st] {
				if docs := e.exact[f]; len(docs) > 0 {
					if i, ok := slices.BinarySearch(docs, p.doc); ok && docs[i] == p.doc {
						s *= 1.15
						break
					}
				}
			}
			score[p.doc] += s
		}
	}
	docs := make([]int32, 0, len(score))
	for d := range score {
		docs = append(docs, d)
	}
	sort.Slice(docs, func(i, j int) bool {
		if score[docs[i]] != score[docs[j]] {
			return score[docs[i]] > score[docs[j]]
		}
		return e.ids[docs[i]] > e.ids[docs[j]]
	})
	out := make([]string, 0, k)
	for _, d := range docs[:min(k, len(docs))] {
		out = append(out, e.ids[d])
	}
	return out, nil
}

// fts5 is SQLite FTS5 (pure-Go modernc driver) with its bm25 ranking, the
// title column weighted 2.
type fts5 struct {
	db   *sql.DB
	stmt *sql.Stmt
}

func newFTS5(path string) (*fts5, error) {
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)")
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(1)
	for _, s := range []string{
		`CREATE TABLE papers (id INTEGER PRIMARY KEY, pid TEXT, title TEXT, abstract TEXT)`,
		`CREATE VIRTUAL TABLE fts USING fts5(title, abstract, content='papers', content_rowid='id', tokenize='unicode61')`,
	} {
		if _, err := db.Exec(s); err != nil {
			return nil, err
		}
	}
	return &fts5{db: db}, nil
}

func (e *fts5) add(docs []benchDoc) error {
	tx, err := e.db.Begin()
	if err != nil {
		return err
	}
	ins, _ := tx.Prepare(`INSERT INTO papers (id, pid, title, abstract) VALUES (?,?,?,?)`)
	fts, _ := tx.Prepare(`INSERT INTO fts (rowid, title, abstract) VALUES (?,?,?)`)
	var rowid int64
	_ = tx.QueryRow(`SELECT COALESCE(MAX(id), 0) FROM papers`).Scan(&rowid)
	for _, d := range docs {
		rowid++
		if _, err := ins.Exec(rowid, d.ID, d.Title, d.Abstract); err != nil {
			return err
		}
		if _, err := fts.Exec(rowid, d.Title, d.Abstract); err != nil {
			return err
		}
	}
	if err := tx.Commit(); err != nil {
		return err
	}
	_, err = e.db.Exec(`INSERT INTO fts(fts) VALUES('optimize')`)
	return err
}

func (e *fts5) query(q string, k int) ([]string, error) {
	toks := search.Tokens(q)
	if len(toks) == 0 {
		return nil, nil
	}
	quoted := make([]string, len(toks))
	for i, t := range toks {
		quoted[i] = `"` + strings.ReplaceAll(t, `"`, `""`) + `"`
	}
	if e.stmt == nil {
		var err error
		if e.stmt, err = e.db.Prepare(`SELECT p.pid FROM fts JOIN papers p ON p.id = fts.rowid WHERE fts MATCH ?
			ORDER BY bm25(fts, 2.0, 1.0) LIMIT ?`); err != nil {
			return nil, err
		}
	}
	rows, err := e.stmt.Query(strings.Join(quoted, " OR "), k)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

// bleveEngine is bleve v2 with its BM25 scoring model; one text field holds
// the title twice and the abstract.
type bleveEngine struct{ ix bleve.Index }

func (e *bleveEngine) add(docs []benchDoc) error {
	for start := 0; start < len(docs); start += 2000 {
		b := e.ix.NewBatch()
		for _, d := range docs[start:min(start+2000, len(docs))] {
			if err := b.Index(d.ID, map[string]string{"text": d.Title + " " + d.Title + " " + d.Abstract}); err != nil {
				return err
			}
		}
		if err := e.ix.Batch(b); err != nil {
			return err
		}
	}
	return nil
}

func (e *bleveEngine) query(q string, k int) ([]string, error) {
	mq := bleve.NewMatchQuery(q)
	mq.SetField("text")
	res, err := e.ix.Search(bleve.NewSearchRequestOptions(mq, k, 0, false))
	if err != nil {
		return nil, err
	}
	out := make([]string, len(res.Hits))
	for i, h := range res.Hits {
		out[i] = h.ID
	}
	return out, nil
}
