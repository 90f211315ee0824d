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
	"sort"
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
		ix.appendBoundLocked(t, a.tf, length)
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

// Lexical returns the best limit documents for q by BM25 (OR semantics):
// term-at-a-time accumulation into a dense score array, then a bounded
// heap for the top results.
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
	sc := scratchPool.Get().(*scratch)
	defer scratchPool.Put(sc)
	sc.reset(len(ix.ids))
	invAvg := float32(float64(ix.live) / ix.total)
	type qterm struct {
		ps    []posting
		w     float32 // weight·idf·(k1+1)
		exact uint16  // the bits of the query's own forms of the stem
		stem  string
	}
	var qts []qterm
	for st, weight := range weights {
		ps := ix.postings[st]
		df := len(ps)
		if ix.deadPost > 0 { // some postings belong to replaced documents
			df = 0
			for _, p := range ps {
				if !ix.dead[p.doc] {
					df++
				}
			}
		}
		if df > 0 && weight > 0 {
			idf := float32(math.Log(1 + (float64(ix.live)-float64(df)+0.5)/(float64(df)+0.5)))
			var exact uint16
			for _, f := range forms[st] {
				exact |= ix.exactBit(st, f)
			}
			qts = append(qts, qterm{ps, weight * idf * (k1 + 1), exact, st})
		}
	}
	// MaxScore, term at a time: rare terms first; once the terms left could
	// not lift a document that has no score yet into the top results, they
	// only add to documents already scored, and only to those that the
	// terms left could still lift into it: each is looked up in the
	// term's list (galloping, the lists are in document order) instead of
	// the list being read whole, which is where a frequent stem's cost
	// was. The result stays exact.
	sort.Slice(qts, func(i, j int) bool {
		if qts[i].w != qts[j].w {
			return qts[i].w > qts[j].w
		}
		return qts[i].stem < qts[j].stem // a map's order must not decide ties
	})
	// A term's most: its weight, times the exact-form factor when some
	// paper has the query's form.
	most := func(q qterm) float32 {
		if q.exact != 0 {
			return q.w * (1 + exactBoost)
		}
		return q.w
	}
	rest := float32(0)
	for _, q := range qts {
		rest += most(q)
	}
	all := rest
	var cands []int32 // the scored documents still in reach, once probing
	probing := false
	for i, q := range qts {
		theta := float32(0)
		if i > 0 {
			theta = sc.threshold(limit)
		}
		onlyScored := i > 0 && rest < theta
		if onlyScored && !probing && len(sc.touched) < len(q.ps)/probeShare {
			cands, probing = sc.candidates(rest, theta), true
		}
		rest -= most(q)
		if probing {
			if cands = ix.probe(sc, q.ps, q.w, q.exact, invAvg, sc.prune(cands, rest+most(q), theta)); len(cands) == 0 {
				break
			}
			continue
		}
		ix.scan(sc, scanTerm{q.ps, ix.blocks[q.stem], q.w, q.exact, all - most(q), rest}, invAvg, limit, theta, onlyScored)
	}
	return sc.top(limit, ix.ids)
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

// probeShare: the candidates are looked up one by one in a term's list
// when they are fewer than its length over probeShare; more, and reading
// the list whole costs less than the sort and the searches.
const probeShare = 8

// probe adds one term's BM25 part to each candidate document that holds
// it. The candidates and the postings are both in document order, so one
// pass gallops through the list: about c·log(n/c) steps for c candidates
// in a list of n, against n for reading it whole.
func (ix *Index) probe(sc *scratch, ps []posting, w float32, exactForms uint16, invAvg float32, cands []int32) []int32 {
	exact := w * (1 + exactBoost)
	lo := 0
	for _, d := range cands {
		// Gallop: double the step until past d, then binary search.
		step, hi := 1, lo
		for hi < len(ps) && ps[hi].doc < d {
			lo = hi + 1
			hi += step
			step *= 2
		}
		hi = min(hi, len(ps))
		lo += sort.Search(hi-lo, func(i int) bool { return ps[lo+i].doc >= d })
		if lo == len(ps) {
			break
		}
		if p := ps[lo]; p.doc == d {
			sc.add(d, ix.part(p, w, exact, exactForms, invAvg))
		}
	}
	return cands
}

// scan adds one term's BM25 part to the documents in its list. With
// block bounds (a long list) each block is weighed against the floor of
// the limit best scores so far (it starts from the scores before this
// term and rises with the documents the term scores):
//   - when even its most plus the most of every other term (others) stays
//     under it, no document of the block can reach the results, and one
//     left with part of its score stays under them: the block is skipped;
//   - when its most plus the terms still to come (after) does, a document
//     without a score cannot reach them: only scored documents are added
//     to, as MaxScore does for a whole list (onlyScored).
func (ix *Index) scan(sc *scratch, t scanTerm, invAvg float32, limit int, start float32, onlyScored bool) {
	exact := t.w * (1 + exactBoost)
	var floor topFloor
	if t.bounds != nil {
		floor.limit = limit
	}
	for i := 0; i < len(t.ps); i += blockSize {
		scoredOnly := onlyScored
		if t.bounds != nil {
			most, least := exact*t.bounds[i/blockSize].upper(invAvg), max(start, floor.floor())
			if most+t.others < least {
				continue
			}
			scoredOnly = scoredOnly || most+t.after < least
		}
		for _, p := range t.ps[i:min(i+blockSize, len(t.ps))] {
			if (ix.deadPost > 0 && ix.dead[p.doc]) || (scoredOnly && sc.acc[p.doc] == 0) {
				continue
			}
			sc.add(p.doc, ix.part(p, t.w, exact, t.exactForms, invAvg))
			if t.bounds != nil {
				floor.offer(sc.acc[p.doc])
			}
		}
	}
}

// scanTerm is one query term as scan reads it.
type scanTerm struct {
	ps         []posting
	bounds     []blockBound // nil for a short list
	w          float32      // weight·idf·(k1+1)
	exactForms uint16       // the bits of the query's own forms
	others     float32      // the most every other term of the query can add
	after      float32      // the most the terms still to come can add
}

// part is a posting's BM25 part: w·tf/(tf+norm), with the exact weight
// when the paper has one of the query's own forms of the stem.
func (ix *Index) part(p posting, w, exact float32, exactForms uint16, invAvg float32) float32 {
	tf := p.freq()
	norm := k1 * (1 - b + b*ix.lens[p.doc]*invAvg)
	if p.forms&exactForms != 0 {
		w = exact
	}
	return w * tf / (tf + norm)
}
