package search

import (
	"fmt"
	"math"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"testing"

	"github.com/quire/quire/internal/model"
)

func paper(id, title, summary string) *model.Paper {
	return &model.Paper{ID: id, Title: title, Summary: summary}
}

func TestSearchRanksByBM25(t *testing.T) {
	ix := New(nil)
	ix.Put(paper("1", "Flow matching for generative models", "We study flow matching."))
	ix.Put(paper("2", "Optimal transport theory", "A theory of transport and flow."))
	ix.Put(paper("3", "Graph neural networks", "Message passing on graphs."))
	hits := ix.Search("flow matching", 10)
	if len(hits) != 2 || hits[0].ID != "1" || hits[1].ID != "2" {
		t.Fatalf("hits = %+v", hits)
	}
	if got := ix.Search("the of and", 10); len(got) != 0 {
		t.Errorf("stop words matched: %+v", got)
	}
	if got := ix.Search("", 10); len(got) != 0 {
		t.Errorf("empty query matched: %+v", got)
	}
}

// TestScoreIsTextbookBM25 checks scores by hand: idf·tf·(k1+1)/(tf+k1·(1-b+b·len/avg))
// over stems, times 1.15 in a paper that has the query's own form.
func TestScoreIsTextbookBM25(t *testing.T) {
	ix := New(nil)
	ix.Put(paper("a", "", "networks beta"))
	ix.Put(paper("b", "", "gamma delta epsilon zeta"))
	ix.Put(paper("c", "", "network network networked gamma delta epsilon")) // "network" twice and "networked": tf 3
	n, df, avg := 3.0, 2.0, 4.0
	idf := math.Log(1 + (n-df+0.5)/(df+0.5))
	K1, B := 1.2, 0.75
	bm25 := func(tf, dl float64) float64 { return idf * tf * (K1 + 1) / (tf + K1*(1-B+B*dl/avg)) }
	score := func(hits []Hit, id string) float64 {
		for _, h := range hits {
			if h.ID == id {
				return h.Score
			}
		}
		return -1
	}
	hits := ix.Search("networks", 10)
	if a, c := score(hits, "a"), score(hits, "c"); math.Abs(a-bm25(1, 2)*1.15) > 1e-5 || math.Abs(c-bm25(3, 6)) > 1e-5 { // scores are float32
		t.Errorf("networks: a %v (want %v, its exact form), c %v (want %v, stems only)", a, bm25(1, 2)*1.15, c, bm25(3, 6))
	}
	hits = ix.Search("network", 10)
	if a, c := score(hits, "a"), score(hits, "c"); math.Abs(a-bm25(1, 2)) > 1e-5 || math.Abs(c-bm25(3, 6)*1.15) > 1e-5 {
		t.Errorf("network: a %v, c %v", a, c)
	}
	// BM25's query term frequency: a stem said twice (in any forms) weighs
	// twice; both papers have one of the query's forms.
	hits = ix.Search("network networks", 10)
	if a, c := score(hits, "a"), score(hits, "c"); math.Abs(a-2*bm25(1, 2)*1.15) > 1e-5 || math.Abs(c-2*bm25(3, 6)*1.15) > 1e-5 {
		t.Errorf("network networks: a %v (want %v), c %v (want %v)", a, 2*bm25(1, 2)*1.15, c, 2*bm25(3, 6)*1.15)
	}
	// Equal counts and lengths: the paper with the query's form comes first.
	ix2 := New(nil)
	ix2.Put(paper("stemmed", "", "transformer models"))
	ix2.Put(paper("exact", "", "transformers models"))
	if hits := ix2.Search("transformers", 2); len(hits) != 2 || hits[0].ID != "exact" {
		t.Errorf("exact form not first: %+v", hits)
	}
	// A quoted phrase stays exact.
	if q := ParseQuery(`"neural networks"`); q.Matches("a neural network") || !q.Matches("deep neural networks") {
		t.Error("a quoted phrase matched another form")
	}
}

func TestPutReplaces(t *testing.T) {
	ix := New(nil)
	ix.Put(paper("1", "Quantum annealing", ""))
	ix.Put(paper("1", "Protein folding", ""))
	if ix.Len() != 1 {
		t.Fatalf("Len = %d", ix.Len())
	}
	if got := ix.Search("quantum", 10); len(got) != 0 {
		t.Errorf("old version still found: %+v", got)
	}
	if got := ix.Search("protein", 10); len(got) != 1 {
		t.Errorf("new version not found: %+v", got)
	}
}

func TestTokens(t *testing.T) {
	got := Tokens("Flow-Matching: the Navier–Stokes π_0 ViT-L/14")
	want := []string{"flow", "matching", "navier", "stokes", "π", "0", "vit", "l", "14"}
	if len(got) != len(want) {
		t.Fatalf("Tokens = %q", got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("Tokens = %q, want %q", got, want)
		}
	}
}

// TestHybridFindsRelatedWords trains the semantic model on papers of five
// topics, one of them where "transport" and "flow" co-occur: a query for
// one finds a paper that only has the other, ranked by meaning above every
// paper of the other topics, with a real similarity (not rounding noise).
// Each topic has many rarer words too, so that the vocabulary outnumbers
// the model's dimensions, as in any real corpus: a model with as many
// dimensions as words reproduces the words and relates none.
func TestHybridFindsRelatedWords(t *testing.T) {
	ix := New(nil)
	papers := topicPapers(400, 5, "p")
	rng := rand.New(rand.NewPCG(5, 7))
	for _, p := range papers {
		for j := 0; j < 12; j++ {
			p.Summary += fmt.Sprintf(" w%dx%d", topicOf(p), rng.IntN(400))
		}
		ix.Put(p)
	}
	ix.Put(paper("only-flow", "a study of flow", "flow velocity fields of fluids, sampled by an ode"))
	for _, h := range ix.Lexical("transport", 200) {
		if h.ID == "only-flow" {
			t.Fatal("setup: BM25 alone matches it")
		}
	}
	ix.Train()
	flowTopic := map[string]bool{}
	for _, p := range papers {
		flowTopic[p.ID] = topicOf(p) == 0
	}
	sem := ix.Semantic("transport", 500, -1)
	for _, h := range sem {
		if h.ID == "only-flow" {
			if h.Score < 0.03 { // rounding noise is below 0.001
				t.Errorf("only-flow's similarity to transport is %.4f", h.Score)
			}
			break
		}
		if !flowTopic[h.ID] {
			t.Fatalf("%s, of another topic, ranks above only-flow: %v", h.ID, sem[:10])
		}
	}
	found, inTopic := false, 0
	for _, in := range flowTopic {
		if in {
			inTopic++
		}
	}
	for _, h := range ix.Search("transport", inTopic+10) {
		found = found || h.ID == "only-flow"
	}
	if !found {
		t.Error("the hybrid did not find the paper that says flow for a transport query")
	}
}

func TestParseQuery(t *testing.T) {
	q := ParseQuery(`flow "optimal transport" -diffusion "unbalanced`)
	if q.Text != "flow optimal transport unbalanced" || len(q.Phrases) != 2 || q.Excluded[0] != "diffusion" {
		t.Fatalf("%+v", q)
	}
	if !q.Matches("Optimal transport of flow, unbalanced") || q.Matches("optimal transport with diffusion unbalanced") ||
		q.Matches("transport optimal unbalanced") {
		t.Error("Matches is wrong")
	}
	for _, s := range []string{"", `"`, "-", "- -", "the of and", "!!!", "流体 理论", "$\\pi_0$", strings.Repeat("x ", 6000)} {
		_ = ParseQuery(s).Matches("some text") // no panic
	}
}

func TestSnippet(t *testing.T) {
	text := "We study many things. Among them optimal transport and flow matching <b>models</b> appear. Then others."
	got := Snippet(text, "transport flow", 6)
	if !strings.Contains(got, "<mark>transport</mark>") || !strings.Contains(got, "<mark>flow</mark>") || strings.Contains(got, "<b>") {
		t.Errorf("Snippet = %q", got)
	}
}

func FuzzParseQuery(f *testing.F) {
	for _, s := range []string{`flow "optimal transport" -diffusion`, `"`, `-`, `a"b"c`, "中文 查询",
		`author:"Yann LeCun" title:flow category:cs.LG`, `author:`, `title:"`, `category:"cs`, `abstract:x:y`} {
		f.Add(s)
	}
	p := &model.Paper{Title: "Flow matching", Summary: "optimal transport", Authors: []model.Author{{Name: "Yann LeCun"}}, Categories: []string{"cs.LG"}}
	f.Fuzz(func(t *testing.T, s string) {
		q := ParseQuery(s)
		_ = q.Matches(s)
		_ = q.MatchesPaper(p)
		_ = q.Category()
		_ = Snippet(s, q.Text, 30)
	})
}

func TestUnchangedPutIsFreeAndDeadDocsCompact(t *testing.T) {
	ix := New(nil)
	ix.Put(paper("1", "Quantum annealing", "abstract"))
	for i := 0; i < 100; i++ {
		ix.Put(paper("1", "Quantum annealing", "abstract")) // a re-import: nothing changes
	}
	if n := len(ix.postings["quantum"]); n != 1 || len(ix.ids) != 1 {
		t.Fatalf("unchanged re-puts grew the index: %d postings, %d docs", n, len(ix.ids))
	}
	for i := 0; i < 10; i++ {
		ix.Put(paper("1", "Quantum annealing", fmt.Sprintf("abstract version %d", i)))
	}
	if n := len(ix.postings["quantum"]); n > 3 {
		t.Errorf("dead postings were not compacted: %d", n)
	}
	if hits := ix.Search("quantum", 10); len(hits) != 1 || ix.Len() != 1 {
		t.Errorf("hits = %+v, live = %d", hits, ix.Len())
	}
}

// TestPruningKeepsExactTopK compares the pruned top 10 (MaxScore over
// windows, the non-essential terms' probes, block-max skipping, blocks
// bounded without the exact-form factor) with an exhaustive ranking, on a
// corpus where the frequent words' lists are long enough to carry block
// bounds and each word comes in forms of one stem, some rare, with
// replaced papers whose old postings are dead, and again after a snapshot
// round trip and a compaction.
func TestPruningKeepsExactTopK(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	suffixes := []string{"", "s", "ing", "ed"}
	var words []string // stems whose four forms all stem to them
	for i := 0; len(words) < 300; i++ {
		w := fmt.Sprintf("%c%c%cet", 'b'+i%19, "aeiou"[i/19%5], 'b'+i/95%19)
		same := true
		for _, s := range suffixes {
			same = same && Stem(w+s) == Stem(w)
		}
		if same {
			words = append(words, w)
		}
	}
	form := func(w string) string { // the plain form mostly; "ed" in one use of fifty
		switch r := rng.IntN(50); {
		case r == 0:
			return w + "ed"
		case r < 4:
			return w + "ing"
		case r < 15:
			return w + "s"
		}
		return w
	}
	zipf := func() string { return form(words[min(len(words)-1, int(rng.ExpFloat64()*20))]) }
	doc := func(d int) *model.Paper {
		var abs []string
		for j := 0; j < 20+rng.IntN(60); j++ {
			abs = append(abs, zipf())
		}
		return paper(fmt.Sprintf("d%05d", d), zipf()+" "+zipf(), strings.Join(abs, " "))
	}
	ix := New(nil)
	const n = 3 * blockedMin
	for d := range n {
		ix.Put(doc(d))
	}
	for range n / 20 { // replaced: their first postings stay, dead, until a compaction
		ix.Put(doc(rng.IntN(n)))
	}
	if ix.blocks[Stem(words[0])] == nil {
		t.Fatalf("the most frequent word's list (%d postings) has no block bounds", len(ix.postings[Stem(words[0])]))
	}
	check := func(ix *Index, what string) {
		t.Helper()
		for qn := 0; qn < 300; qn++ {
			q := zipf()
			for range rng.IntN(3) {
				q += " " + []string{zipf(), form(words[rng.IntN(len(words))])}[rng.IntN(2)]
			}
			got := ix.Lexical(q, 10)
			split := parallelMin
			parallelMin = 1 << 62        // the reference in one piece
			all := ix.Lexical(q, 100000) // deep enough that nothing is pruned
			parallelMin = split
			if len(got) != min(10, len(all)) {
				t.Fatalf("%s: query %q: %d results, want %d", what, q, len(got), min(10, len(all)))
			}
			for i := range got {
				if got[i].ID != all[i].ID || math.Abs(got[i].Score-all[i].Score) > 1e-4 {
					t.Fatalf("%s: query %q rank %d: pruned %+v, exhaustive %+v", what, q, i, got[i], all[i])
				}
			}
		}
	}
	check(ix, "built")
	defer func(v int) { parallelMin = v }(parallelMin)
	parallelMin = 0 // every query ranked in two halves at once
	check(ix, "built, in halves")
	parallelMin = 1 << 62
	path := filepath.Join(t.TempDir(), "search.idx")
	if err := ix.Save(path); err != nil {
		t.Fatal(err)
	}
	loaded := New(nil)
	if ok, err := loaded.Load(path); !ok || err != nil {
		t.Fatalf("load: %v %v", ok, err)
	}
	check(loaded, "loaded")
	loaded.mu.Lock()
	loaded.compactLocked()
	loaded.mu.Unlock()
	check(loaded, "compacted")
	parallelMin = 0
	check(loaded, "compacted, in halves")
}

// TestReplacedPapersScoreAsFresh checks the document frequencies while
// replaced papers leave dead postings (remembered between queries, see
// livedf.go): an index where papers were replaced, then new ones added,
// scores every query as an index built from the live papers alone.
func TestReplacedPapersScoreAsFresh(t *testing.T) {
	texts := map[string]string{}
	ix := New(nil)
	put := func(id, text string) {
		texts[id] = text
		ix.Put(paper(id, "", text))
	}
	for i := range 200 {
		put(fmt.Sprintf("p%03d", i), fmt.Sprintf("quantum lattice %s gauge", strings.Repeat("spin ", i%5)))
	}
	queries := []string{"quantum spin", "lattice gauge spin", "spin"}
	compare := func(what string) {
		t.Helper()
		fresh := New(nil)
		for id, text := range texts {
			fresh.Put(paper(id, "", text))
		}
		for _, q := range queries {
			got, want := ix.Lexical(q, 20), fresh.Lexical(q, 20)
			if len(got) != len(want) {
				t.Fatalf("%s: %q: %d hits, fresh %d", what, q, len(got), len(want))
			}
			for i := range got {
				if got[i].ID != want[i].ID || math.Abs(got[i].Score-want[i].Score) > 1e-9 {
					t.Fatalf("%s: %q rank %d: %+v, fresh index %+v", what, q, i, got[i], want[i])
				}
			}
		}
	}
	for i := range 20 { // replaced: spin leaves these papers
		put(fmt.Sprintf("p%03d", i*7), "quantum lattice gauge theory")
	}
	compare("replaced")
	compare("replaced, asked again")
	for i := range 10 { // new papers with spin, after the counts were remembered
		put(fmt.Sprintf("n%03d", i), "spin glass")
	}
	compare("new papers added")
	put("p003", "a spin chain")
	compare("one more replaced")
}

// TestDegenerateCorpusStaysLexical trains on papers that share every word:
// there is nothing to learn, and search goes on lexically, with no panic.
func TestDegenerateCorpusStaysLexical(t *testing.T) {
	ix := New(nil)
	for i := 0; i < 40; i++ {
		ix.Put(paper(fmt.Sprint(i), "Quantum annealing", "Quantum annealing of spin glasses."))
	}
	ix.Train()
	if ix.sem != nil {
		t.Fatal("a model was trained on identical papers")
	}
	if hits := ix.Search("quantum", 5); len(hits) != 5 {
		t.Errorf("hits = %v", hits)
	}
}

// Vectors gives each indexed paper its unit vector (nil before a model, and
// for unknown or removed papers), copies the caller may keep.
func TestVectors(t *testing.T) {
	ix := New(nil)
	for i := 0; i < 80; i++ {
		if i%2 == 0 {
			ix.Put(paper(fmt.Sprint(i), "optimal transport flow", "transport plans and flow fields between distributions"))
		} else {
			ix.Put(paper(fmt.Sprint(i), "graph networks", "message passing on graphs and nodes"))
		}
	}
	if vs, space := ix.Vectors([]string{"0"}); vs[0] != nil || space != "" {
		t.Fatalf("a vector before any model, in space %q", space)
	}
	ix.Train()
	vs, space := ix.Vectors([]string{"0", "2", "1", "nope"})
	if vs[0] == nil || vs[3] != nil || space == "" {
		t.Fatalf("vectors %v in space %q", vs, space)
	}
	for i := 80; i < 170; i++ { // the corpus doubles: a new model, a new space
		ix.Put(paper(fmt.Sprint(i), "optimal transport flow", "transport plans and flow fields between distributions"))
	}
	ix.Train()
	if _, again := ix.Vectors([]string{"0"}); again == space || again == "" {
		t.Errorf("space %q after retraining, %q before", again, space)
	}
	if idf := ix.IDF([]string{"transport", "graphs", "absent"}); !(idf[0] < idf[1] && idf[1] < idf[2]) {
		t.Errorf("idf %v: a term in more papers weighs less", idf)
	}
	if same, other := Dot(vs[0], vs[1]), Dot(vs[0], vs[2]); math.Abs(float64(Dot(vs[0], vs[0]))-1) > 1e-3 || same <= other {
		t.Errorf("norm %v, same topic %v, other %v", Dot(vs[0], vs[0]), same, other)
	}
	vs[0][0] = 42
	if again, _ := ix.Vectors([]string{"0"}); again[0][0] == 42 {
		t.Error("Vectors returned the index's own memory")
	}
}

func TestParseQueryFields(t *testing.T) {
	q := ParseQuery(`author:"Yann LeCun" Title:Flow category:cs.LG transport -diffusion notafield:x`)
	if len(q.Fields) != 3 || q.Fields[0].Name != "author" || q.Fields[1].Name != "title" || q.Category() != "cs.LG" {
		t.Fatalf("fields %+v", q.Fields)
	}
	if q.Text != "yann lecun flow transport notafield:x" {
		t.Errorf("ranked text %q", q.Text)
	}
	p := &model.Paper{Title: "Flow matching", Summary: "optimal transport", Authors: []model.Author{{Name: "Yann LeCun"}}, Categories: []string{"cs.LG", "stat.ML"}}
	if !q.MatchesPaper(p) {
		t.Error("the paper does not match")
	}
	for _, other := range []string{`author:bengio`, `title:transport`, `abstract:flow`, `category:math`, `category:cs.CV`} {
		if ParseQuery(other).MatchesPaper(p) {
			t.Errorf("%s matches", other)
		}
	}
	for _, same := range []string{`author:lecun`, `abstract:"optimal transport"`, `category:cs`, `category:STAT.ml`} {
		if !ParseQuery(same).MatchesPaper(p) {
			t.Errorf("%s does not match", same)
		}
	}
}

func TestCorrect(t *testing.T) {
	ix := New(nil)
	for i := range 40 {
		ix.Put(paper(fmt.Sprint(i), "reinforcement learning for robots", "policy gradient transformers attention"))
	}
	ix.Put(paper("rare", "reinforcemen", "a paper with one odd word")) // one paper spells it so
	for q, want := range map[string]string{
		"reinforcment learning":   "reinforcement learning", // a deletion
		"reinforcemnet learning":  "reinforcement learning", // a transposition
		"policy graident":         "policy gradient",
		"transfromers":            "transformers",
		"reinforcemen":            "reinforcement",           // in one paper only: corrected to the frequent term
		`"reinforcment" learning`: `"reinforcment" learning`, // a phrase stays as written
		"author:reinforcment":     "author:reinforcment",
		"robots policy":           "robots policy", // nothing to correct
		"xyzzyplugh":              "xyzzyplugh",    // nothing near
		"atention 2024":           "attention 2024",
	} {
		got, changed := ix.Correct(q)
		if got != want || changed != (got != q) {
			t.Errorf("Correct(%q) = %q, %v; want %q", q, got, changed, want)
		}
	}
	if d := distance("abcd", "acbd", 2); d != 1 {
		t.Errorf("a transposition: %d", d)
	}
	if d := distance("kitten", "sitting", 2); d != 3 {
		t.Errorf("kitten/sitting beyond the limit: %d", d)
	}
}

// RM3 feedback finds a paper that shares no word with the query but many
// with the papers the query finds first; without texts it is Lexical.
func TestLexicalFeedback(t *testing.T) {
	ix := New(nil)
	texts := map[string]string{}
	put := func(id, title, abs string) {
		ix.Put(paper(id, title, abs))
		texts[id] = title + " " + abs
	}
	for i := range 5 {
		put(fmt.Sprint("q", i), "surface codes", "decoders for quantum error correction with lattice surgery")
	}
	put("related", "lattice surgery", "decoders and error correction on logical qubits")
	for i := range 100 { // the feedback words stay rare (common ones are not taken)
		put(fmt.Sprint("other", i), "graph networks", "message passing on molecules")
	}
	f := func(ids []string) map[string]string {
		out := map[string]string{}
		for _, id := range ids {
			out[id] = texts[id]
		}
		return out
	}
	in := func(hits []Hit) bool {
		for _, h := range hits {
			if h.ID == "related" {
				return true
			}
		}
		return false
	}
	if in(ix.Lexical("surface codes", 10)) {
		t.Fatal("the related paper matches the query's words")
	}
	if !in(ix.LexicalFeedback("surface codes", 10, f)) {
		t.Error("feedback did not find the related paper")
	}
	if got, want := fmt.Sprint(ix.LexicalFeedback("surface codes", 10, nil)), fmt.Sprint(ix.Lexical("surface codes", 10)); got != want {
		t.Errorf("without texts: %s, want Lexical's %s", got, want)
	}
}
