// Package search is quire's in-memory lexical index: BM25 over title,
// abstract and authors, with the title counted twice. It follows the
// store's change feed, so papers written by any process or replica become
// searchable at the next Sync without a rebuild, and none is skipped.
package search

import (
	"context"
	"hash/fnv"
	"log/slog"
	"math"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode"

	"github.com/quire/quire/internal/model"
	"github.com/quire/quire/internal/store"
)

// BM25 parameters (the textbook defaults).
const (
	k1          float32 = 1.2
	b           float32 = 0.75
	titleWeight         = 2
)

// Hit is one search result.
type Hit struct {
	ID    string
	Score float64
}

// posting is a document holding a stem: its weighted count (the title
// counts twice) and which of the stem's surface forms it has (a bit each,
// see formBit). Eight bytes, as a (doc, float) pair was.
type posting struct {
	doc   int32
	tf    uint16
	forms uint16
}

// freq is the posting's weighted term frequency.
func (p posting) freq() float32 { return float32(p.tf) }

// Index is safe for concurrent use. Search fuses BM25 with the cosine
// similarity of LSA vectors trained on the indexed papers (see
// semantic.go) once there are enough of them.
type Index struct {
	src Changes
	Log *slog.Logger

	syncMu sync.Mutex         // one Sync at a time
	cursor store.ChangeCursor // how far the index has followed the feed
	feed   string             // the feed the cursor belongs to ("" before the first Sync)
	// feedChecked: feed is the store's (checked at the first Sync)
	feedChecked bool

	mu       sync.RWMutex
	ids      []string                // doc number → paper id
	docOf    map[string]int32        // paper id → doc number
	lens     []float32               // weighted length per doc; 0 for removed docs
	dead     []bool                  // doc number → replaced or removed
	hashes   []uint64                // doc number → hash of its text, to skip unchanged re-puts
	deadPost int                     // postings of dead docs, for compaction
	liveDF   liveDF                  // live document frequencies while deadPost > 0 (livedf.go)
	postings map[string][]posting    // stem → documents
	blocks   map[string][]blockBound // stem → block-max bounds of a long list (blocks.go)
	forms    map[string][]string     // stem → its surface forms with a bit (stem.go)
	total    float64                 // sum of lens of live docs
	live     int

	sem       *LSA         // nil until MinTrainDocs papers are indexed
	vix       *vectorIndex // the documents' vectors; set with sem
	trainedOn int          // live papers when sem was trained
	training  atomic.Bool  // a training is running
	remote    *remote      // an external embedder, when configured
	spell     speller      // spelling corrections (correct.go)
	feedback  Feedback     // texts for Hybrid's feedback pass (feedback.go); nil: none

	writes           atomic.Int64 // changes since New, for Persist
	savedWrites      atomic.Int64 // writes at the last save or load
	trainedSinceSave atomic.Bool
	persistMu        sync.Mutex // one Persist at a time (the server's loop and its Close may overlap)
	savedAt          time.Time  // under persistMu
}

// Changes is what the index reads of the store: its change feed.
type Changes interface {
	PaperChanges(ctx context.Context, after store.ChangeCursor, limit int) ([]store.PaperChange, error)
	ChangeFeedID(ctx context.Context) (string, error)
}

// New returns an empty index that follows src.
func New(src Changes) *Index {
	return &Index{src: src, docOf: map[string]int32{}, postings: map[string][]posting{}, blocks: map[string][]blockBound{}, forms: map[string][]string{}}
}

// Sync indexes every paper written since the last Sync.
func (ix *Index) Sync(ctx context.Context) error {
	ix.syncMu.Lock()
	defer ix.syncMu.Unlock()
	if err := ix.checkFeed(ctx); err != nil {
		return err
	}
	for {
		cs, err := ix.src.PaperChanges(ctx, ix.cursor, 1000)
		if err != nil {
			return err
		}
		for _, c := range cs {
			ix.Put(c.Paper)
			ix.cursor = c.At
		}
		if len(cs) < 1000 {
			ix.maybeTrain()
			return nil
		}
	}
}

// checkFeed starts the cursor over when the store's feed is not the one
// it came from (a snapshot from another database, or from SQLite after a
// move to PostgreSQL): re-reading every paper costs a hash each for those
// unchanged, and skipping some would be silent. It asks the store once.
func (ix *Index) checkFeed(ctx context.Context) error {
	if ix.feed != "" && ix.feedChecked {
		return nil
	}
	id, err := ix.src.ChangeFeedID(ctx)
	if err != nil {
		return err
	}
	if ix.feed != id {
		if ix.feed != "" && ix.Log != nil {
			ix.Log.Info("search index snapshot is from another database; re-reading every paper", slog.String("snapshot", ix.feed), slog.String("store", id))
		}
		ix.cursor, ix.feed = store.ChangeCursor{}, id
	}
	ix.feedChecked = true
	return nil
}

// Len returns the number of indexed papers.
func (ix *Index) Len() int {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	return ix.live
}

// Put adds or replaces a paper. A paper whose title, abstract and authors
// did not change (an upvote, a re-import) costs one hash and nothing else.
func (ix *Index) Put(p *model.Paper) {
	h := fnv.New64a()
	h.Write([]byte(p.Title))
	h.Write([]byte{0})
	h.Write([]byte(p.Summary))
	for _, a := range p.Authors {
		h.Write([]byte{0})
		h.Write([]byte(a.Name))
	}
	sum := h.Sum64()
	ix.mu.RLock()
	old, exists := ix.docOf[p.ID]
	same := exists && ix.hashes[old] == sum
	ix.mu.RUnlock()
	if same {
		return
	}
	type word struct {
		form, stem string
		w          uint16
	}
	var words []word
	var length float32
	add := func(text string, w uint16) {
		for _, t := range Tokens(text) {
			words = append(words, word{t, Stem(t), w})
			length += float32(w)
		}
	}
	add(p.Title, titleWeight)
	add(p.Summary, 1)
	for _, a := range p.Authors {
		add(a.Name, 1)
	}
	ix.writes.Add(1)
	ix.mu.Lock()
	defer ix.mu.Unlock()
	if old, ok := ix.docOf[p.ID]; ok {
		ix.removeLocked(old)
	}
	doc := int32(len(ix.ids))
	ix.ids = append(ix.ids, p.ID)
	ix.lens = append(ix.lens, length)
	ix.dead = append(ix.dead, false)
	ix.hashes = append(ix.hashes, sum)
	ix.docOf[p.ID] = doc
	ix.total += float64(length)
	ix.live++
	acc := map[string]posting{}
	for _, w := range words {
		a := acc[w.stem]
		a.tf = uint16(min(int(a.tf)+int(w.w), 1<<16-1))
		a.forms |= ix.formBit(w.stem, w.form)
		acc[w.stem] = a
	}
	tf := make(map[string]float32, len(acc))
	for t, a := range acc {
		a.doc = doc
		ix.postings[t] = append(ix.postings[t], a)
		ix.appendBoundLocked(t, a, length)
		ix.liveDF.added(t)
		tf[t] = a.freq()
	}
	ix.embedLocked(doc, tf)
}

// removeLocked drops a document; its postings are skipped until the next
// compaction, which runs when they are a quarter of all postings.
func (ix *Index) removeLocked(doc int32) {
	ix.total -= float64(ix.lens[doc])
	ix.lens[doc] = 0
	ix.dead[doc] = true
	ix.live--
	delete(ix.docOf, ix.ids[doc])
	ix.deadPost++ // counted per document; compaction recounts exactly
	ix.liveDF.forget()
	if ix.deadPost*4 > ix.live+1 {
		ix.compactLocked()
	}
}

// compactLocked rewrites the postings without dead documents, into new
// slices: a training reads the old ones without a lock.
func (ix *Index) compactLocked() {
	for t, ps := range ix.postings {
		n := 0
		for _, p := range ps {
			if !ix.dead[p.doc] {
				n++
			}
		}
		if n == len(ps) {
			continue
		}
		kept := make([]posting, 0, n)
		for _, p := range ps {
			if !ix.dead[p.doc] {
				kept = append(kept, p)
			}
		}
		if len(kept) == 0 {
			delete(ix.postings, t)
		} else {
			ix.postings[t] = kept
		}
		ix.boundsLocked(t)
	}
	ix.deadPost = 0
}

// alive reports whether doc is the current version of its paper.
func (ix *Index) alive(doc int32) bool { return !ix.dead[doc] }

// Search returns the best limit documents for q: the reciprocal rank
// fusion of BM25 and semantic similarity when the semantic model exists,
// BM25 alone before.
func (ix *Index) Search(q string, limit int) []Hit { return ix.Hybrid(q, limit, 0) }

// Hybrid is Search with the semantic side keeping ef candidates (see
// Semantic).
func (ix *Index) Hybrid(q string, limit, ef int) []Hit {
	if len(Tokens(q)) == 0 || limit <= 0 {
		return nil
	}
	ix.mu.RLock()
	f := ix.feedback
	ix.mu.RUnlock()
	lex := ix.LexicalFeedback(q, max(limit, FusionDepth), f)
	sem := ix.semantic(q, max(limit, FusionDepth), ef, lex)
	if sem == nil {
		return lex[:min(limit, len(lex))]
	}
	out := fuse(lex, sem)
	return out[:min(limit, len(out))]
}

// Lexical returns the best limit documents for q by BM25 (OR semantics),
// ranked by block-max MaxScore (maxscore.go): exact, without reading what
// cannot reach the top.
func (ix *Index) Lexical(q string, limit int) []Hit {
	terms := Tokens(q)
	if len(terms) == 0 || limit <= 0 {
		return nil
	}
	forms := map[string][]string{}
	weights := map[string]float32{}
	for _, t := range terms {
		st := Stem(t)
		forms[st] = append(forms[st], t)
		weights[st]++ // BM25's query term frequency: a word said twice weighs twice
	}
	return ix.lexical(weights, forms, limit)
}

// lexical ranks by BM25 over weighted stems (each term's score times its
// weight), forms holding the query's own forms of them.
func (ix *Index) lexical(weights map[string]float32, forms map[string][]string, limit int) []Hit {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	if ix.live == 0 || limit <= 0 {
		return nil
	}
	invAvg := float32(float64(ix.live) / ix.total)
	var cs []*cursor
	for st, weight := range weights {
		ps := ix.postings[st]
		df := len(ps)
		if ix.deadPost > 0 { // some postings belong to replaced documents
			df = ix.liveDF.get(st, func() int {
				n := 0
				for _, p := range ps {
					if !ix.dead[p.doc] {
						n++
					}
				}
				return n
			})
		}
		if df > 0 && weight > 0 {
			idf := float32(math.Log(1 + (float64(ix.live)-float64(df)+0.5)/(float64(df)+0.5)))
			var exact uint16 // the bits of the query's own forms of the stem
			for _, f := range forms[st] {
				exact |= ix.exactBit(st, f)
			}
			cs = append(cs, newCursor(ps, ix.blocks[st], weight*idf*(k1+1), exact, invAvg))
		}
	}
	return ix.rank(cs, limit, invAvg)
}

// stopWords are dropped from documents and queries.
var stopWords = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`a an and are as at be by for from has in is it its of on or that the this
		to was we were which with our these their this those via into than then also can using use based`) {
		stopWords[w] = true
	}
}

// Tokens lower-cases s and splits it into letter/digit runs, without stop words.
func Tokens(s string) []string {
	var out []string
	for _, f := range strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	}) {
		if !stopWords[f] {
			out = append(out, f)
		}
	}
	return out
}
