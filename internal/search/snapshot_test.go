package search

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/quire/quire/internal/model"
	"github.com/quire/quire/internal/store/sqlite/sqlitetest"
)

// topicPapers returns n papers whose words come mostly from one of a few
// topics, so that the semantic model has something to learn.
var paperTopics = [][]string{
	strings.Fields("flow matching transport optimal coupling velocity field ode sampler"),
	strings.Fields("graph neural message passing node edge molecule benchmark"),
	strings.Fields("protein folding structure amino residue docking binding"),
	strings.Fields("language model token attention transformer decoding prompt"),
	strings.Fields("quantum circuit qubit error correction annealing hamiltonian"),
}

// topicOf returns the index in paperTopics of a topicPapers paper's topic.
func topicOf(p *model.Paper) int {
	first := strings.Fields(p.Title)[0]
	for i, t := range paperTopics {
		if slices.Contains(t, first) {
			return i
		}
	}
	return -1
}

func topicPapers(n int, seed uint64, prefix string) []*model.Paper {
	topics := paperTopics
	common := strings.Fields("method results show propose novel approach performance data learning")
	rng := rand.New(rand.NewPCG(seed, 9))
	out := make([]*model.Paper, n)
	for i := range out {
		t := topics[rng.IntN(len(topics))]
		var title, abs []string
		for j := 0; j < 4; j++ {
			title = append(title, t[rng.IntN(len(t))])
		}
		for j := 0; j < 30; j++ {
			if rng.IntN(3) == 0 {
				abs = append(abs, common[rng.IntN(len(common))])
			} else {
				abs = append(abs, t[rng.IntN(len(t))])
			}
		}
		out[i] = &model.Paper{ID: fmt.Sprintf("%s%05d", prefix, i), Title: strings.Join(title, " "), Summary: strings.Join(abs, " "),
			PublishedAt: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)}
	}
	return out
}

func withGraphsFrom(t testing.TB, n int) {
	old := ExactBelow
	ExactBelow = n
	t.Cleanup(func() { ExactBelow = old })
}

// TestSnapshotRoundTrip saves a trained index with a graph, loads it into a
// new one, and checks that both answer alike and that the loaded index
// follows the store from where the saved one stopped.
func TestSnapshotRoundTrip(t *testing.T) {
	withGraphsFrom(t, 100)
	ctx := context.Background()
	db := sqlitetest.MustOpen(t)
	if _, err := db.UpsertPapers(ctx, topicPapers(600, 1, "a")); err != nil {
		t.Fatal(err)
	}
	ix := New(db)
	if err := ix.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	if ix.vix == nil || ix.vix.g == nil {
		t.Fatal("setup: no graph was built")
	}
	path := filepath.Join(t.TempDir(), "search.idx")
	if err := ix.Save(path); err != nil {
		t.Fatal(err)
	}
	back := New(db)
	if ok, err := back.Load(path); !ok || err != nil {
		t.Fatalf("Load = %v, %v", ok, err)
	}
	for _, q := range []string{"optimal transport", "protein docking", "qubit", "attention prompt molecule"} {
		if a, b := fmt.Sprint(ix.Search(q, 10)), fmt.Sprint(back.Search(q, 10)); a != b {
			t.Errorf("%q: before %s, after %s", q, a, b)
		}
	}
	if a, b := fmt.Sprint(ix.Similar("a00007", 5)), fmt.Sprint(back.Similar("a00007", 5)); a != b {
		t.Errorf("similar: before %s, after %s", a, b)
	}
	if _, err := db.UpsertPapers(ctx, topicPapers(20, 2, "b")); err != nil {
		t.Fatal(err)
	}
	if err := back.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	if back.Len() != 620 {
		t.Errorf("after sync: %d papers, want 620", back.Len())
	}
	if len(ix.vix.near) == 0 || !reflect.DeepEqual(ix.vix.near, back.vix.near) {
		t.Errorf("the words' nearest papers: %d saved, %d loaded, or they differ", len(ix.vix.near), len(back.vix.near))
	}
	if hits := back.Similar("b00003", 3); len(hits) != 3 {
		t.Errorf("a paper added after the load has no neighbours: %v", hits)
	}
}

// trainedIndex is an index of n topic papers with a model and, from
// graphFrom papers, a graph.
func trainedIndex(tb testing.TB, n, graphFrom int, seed uint64) *Index {
	withGraphsFrom(tb, graphFrom)
	ix := New(nil)
	for _, p := range topicPapers(n, seed, "p") {
		ix.Put(p)
	}
	ix.Train()
	return ix
}

func TestSnapshotDamage(t *testing.T) {
	ix := trainedIndex(t, 120, 50, 3)
	path := filepath.Join(t.TempDir(), "search.idx")
	if err := ix.Save(path); err != nil {
		t.Fatal(err)
	}
	good, _ := os.ReadFile(path)
	if ok, err := New(nil).Load(filepath.Join(t.TempDir(), "none")); ok || err != nil {
		t.Errorf("a missing snapshot: %v, %v", ok, err)
	}
	for name, b := range map[string][]byte{
		"flipped byte": func() []byte { c := bytes.Clone(good); c[len(c)/2] ^= 0x40; return c }(),
		"truncated":    good[:len(good)-10],
		"empty":        nil,
		"other file":   []byte("PRAGMA journal_mode=wal; not an index at all"),
	} {
		os.WriteFile(path, b, 0o644)
		back := New(nil)
		if ok, err := back.Load(path); ok || !errors.Is(err, errCorrupt) {
			t.Errorf("%s: Load = %v, %v", name, ok, err)
		}
		if back.Len() != 0 {
			t.Errorf("%s: a failed load left %d papers", name, back.Len())
		}
	}
}

// FuzzSnapshot feeds damaged snapshots to the reader: an error, never a
// panic or a huge allocation.
func FuzzSnapshot(f *testing.F) {
	ix := trainedIndex(f, 60, 30, 4)
	var buf bytes.Buffer
	ix.mu.RLock()
	if err := ix.encode(newEnc(&buf)); err != nil {
		f.Fatal(err)
	}
	ix.mu.RUnlock()
	f.Add(buf.Bytes())
	f.Add([]byte(snapshotMagic + "\x00\x00\x00\x00"))
	f.Fuzz(func(t *testing.T, b []byte) {
		back := New(nil)
		if err := back.read(bytes.NewReader(b), int64(len(b))); err == nil {
			back.Search("flow transport", 5)
		}
	})
}

// TestOldSnapshotsStillLoad reads snapshots of earlier formats, all
// trainedIndex(120, 50, 3): testdata/snapshot-v3.idx (float32 vectors,
// commit 72f33ea) and snapshot-v4.idx (half-precision vectors, commit
// 8528663), both TF-IDF models; snapshot-v5.idx (log-entropy, no words'
// nearest papers, commit 463e436). An upgrade must not retrain: each
// answers as the code that wrote it did (the .golden files, its answers
// for the same papers), embedding and walking as it did, and keeps doing
// so after a save in the current format and a reload.
func TestOldSnapshotsStillLoad(t *testing.T) {
	answers := func(ix *Index) string {
		var out string
		for _, q := range []string{"optimal transport", "protein docking", "qubit", "attention prompt molecule"} {
			out += fmt.Sprintf("%s\t%v\n", q, ix.Semantic(q, 10, 0))
		}
		return out + fmt.Sprintf("similar p00007\t%v\n", ix.Similar("p00007", 5))
	}
	for _, c := range []struct {
		name, golden string
		tfidf        bool
	}{
		{"snapshot-v3.idx", "snapshot-tfidf.golden", true},
		{"snapshot-v4.idx", "snapshot-tfidf.golden", true},
		{"snapshot-v5.idx", "snapshot-v5.golden", false},
	} {
		golden, err := os.ReadFile(filepath.Join("testdata", c.golden))
		if err != nil {
			t.Fatal(err)
		}
		name := c.name
		back := New(nil)
		if ok, err := back.Load(filepath.Join("testdata", name)); !ok || err != nil {
			t.Fatalf("%s: Load = %v, %v", name, ok, err)
		}
		if back.vix == nil || back.vix.g == nil || back.sem.tfidf != c.tfidf || back.vix.near != nil {
			t.Fatalf("%s: the graph or the model was not loaded as written", name)
		}
		if got := answers(back); got != string(golden) {
			t.Errorf("%s answers\n%s\nwant\n%s", name, got, golden)
		}
		path := filepath.Join(t.TempDir(), "search.idx")
		again := New(nil)
		if err := back.Save(path); err != nil {
			t.Fatal(err)
		}
		if ok, err := again.Load(path); !ok || err != nil || answers(again) != string(golden) {
			t.Errorf("%s saved again and reloaded: %v, %v, answers\n%s", name, ok, err, answers(again))
		}
	}
	tfidf, _ := os.ReadFile(filepath.Join("testdata", "snapshot-tfidf.golden"))
	if fresh := trainedIndex(t, 120, 50, 3); fresh.sem.tfidf || answers(fresh) == string(tfidf) {
		t.Error("a model trained now should be log-entropy, and answer differently")
	}
}

// TestUpgradeFindsNearestPapers: an instance that restarts on a v5
// snapshot gets the words' nearest papers at its first sync, without
// retraining, and its next save stores them.
func TestUpgradeFindsNearestPapers(t *testing.T) {
	withGraphsFrom(t, 50)
	ctx := context.Background()
	db := sqlitetest.MustOpen(t)
	if _, err := db.UpsertPapers(ctx, topicPapers(120, 3, "p")); err != nil {
		t.Fatal(err)
	}
	ix := New(db)
	if ok, err := ix.Load(filepath.Join("testdata", "snapshot-v5.idx")); !ok || err != nil {
		t.Fatalf("Load = %v, %v", ok, err)
	}
	model := ix.sem
	if err := ix.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	if ix.sem != model {
		t.Fatal("the sync retrained the model")
	}
	if len(ix.vix.near) != len(model.words) || !reflect.DeepEqual(ix.vix.near, nearSeeds(model, ix.vix.g, ix.vix.seeds)) {
		t.Fatalf("after the sync: nearest papers for %d of %d words, or not the ones a training finds", len(ix.vix.near), len(model.words))
	}
	path := filepath.Join(t.TempDir(), "search.idx")
	if saved, err := ix.Persist(path, time.Hour); !saved || err != nil {
		t.Fatalf("Persist = %v, %v: the lists found should be saved", saved, err)
	}
	back := New(db)
	if ok, err := back.Load(path); !ok || err != nil || !reflect.DeepEqual(back.vix.near, ix.vix.near) {
		t.Fatalf("reloaded: %v, %v, lists equal %v", ok, err, reflect.DeepEqual(back.vix.near, ix.vix.near))
	}
}

// TestFindNearBesideWrites runs findNear, as a large instance does in the
// background, while papers arrive and searches run (go test -race checks
// the locking): the lists are installed, and every paper is searchable.
func TestFindNearBesideWrites(t *testing.T) {
	withGraphsFrom(t, 50)
	ix := New(nil)
	if ok, err := ix.Load(filepath.Join("testdata", "snapshot-v5.idx")); !ok || err != nil {
		t.Fatalf("Load = %v, %v", ok, err)
	}
	ix.training.Store(true)
	done := make(chan struct{})
	go func() { ix.findNear(); close(done) }()
	for i, p := range topicPapers(200, 8, "n") {
		ix.Put(p)
		if i%10 == 0 {
			ix.Search("optimal transport qubit", 5)
		}
	}
	<-done
	if ix.training.Load() || len(ix.vix.near) != len(ix.sem.words) {
		t.Fatalf("training flag %v, nearest papers for %d of %d words", ix.training.Load(), len(ix.vix.near), len(ix.sem.words))
	}
	if ix.Len() != 320 || len(ix.Semantic("protein docking", 5, 0)) != 5 {
		t.Errorf("%d papers after the writes", ix.Len())
	}
}
