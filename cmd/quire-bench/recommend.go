package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"os"
	"runtime"
	"runtime/pprof"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/quire/quire/internal/cli"
	"github.com/quire/quire/internal/config"
	"github.com/quire/quire/internal/core"
	"github.com/quire/quire/internal/model"
	"github.com/quire/quire/internal/recommend"
	"github.com/quire/quire/internal/search"
	"github.com/quire/quire/internal/store"
)

// runRecommendBench measures the recommendations of issue #14 on a real
// server (quire's composition root, SQLite, in-process): the batch job
// ranking an announcement for every user's interests, and /for-you.
//
// Setup: --papers generated papers (real vocabulary, one real abstract as
// each paper's topic; 1,000 a day back from now), the search index trained
// on them, --users readers with --interests interests each (20 papers of
// one topic among the last 3,000), every interest's model trained on its
// papers and stored with its ranking of those 3,000, as a retrain would.
// Then per run: an announcement of --announcement new papers, the index
// synced, and the job (core.Library.RankNew) timed with its memory.
func runRecommendBench(args []string) error {
	fs := flag.NewFlagSet("recommend", flag.ExitOnError)
	nPapers := fs.Int("papers", 20_000, "papers stored before the announcements")
	users := fs.Int("users", 10_000, "readers")
	per := fs.Int("interests", 3, "interests per reader")
	ann := fs.Int("announcement", 1000, "papers per announcement")
	runs := fs.Int("runs", 3, "announcements ranked")
	requests := fs.Int("requests", 200, "/for-you requests timed")
	profile := fs.String("cpuprofile", "", "write a CPU profile of the timed /for-you requests to this file")
	_ = fs.Parse(args)
	ctx := context.Background()
	root, _ := os.Getwd()
	real, err := realAbstracts(root)
	if err != nil {
		return fmt.Errorf("read real abstracts (run from the repository root): %w", err)
	}
	search.ExactBelow = 1 << 30 // the vectors without the graph: semantic search is not measured here
	dir, err := os.MkdirTemp("", "quire-bench-recommend-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	cfg := config.Default()
	cfg.Addr, cfg.DataDir, cfg.Jobs = "127.0.0.1:0", dir, false
	m := cli.NewMain(cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err := m.Run(ctx); err != nil {
		return err
	}
	defer m.Close()
	gen := newTopicGen(real, 1)
	now := time.Now().UTC().Truncate(time.Second)
	start := time.Now()
	ps := make([]*model.Paper, *nPapers)
	for i := range ps {
		ps[i] = gen.paper(fmt.Sprintf("b%07d", i), now.Add(-time.Duration(*nPapers-i)*24*time.Hour/1000))
	}
	if err := upsertAll(ctx, m, ps); err != nil {
		return err
	}
	fmt.Printf("setup: %d papers stored in %.1f s\n", len(ps), time.Since(start).Seconds())
	start = time.Now()
	if err := m.Index.Sync(ctx); err != nil {
		return err
	}
	m.Index.Train()
	for _, space := m.Index.Vectors(nil); space == ""; _, space = m.Index.Vectors(nil) {
		time.Sleep(time.Second) // a training the server's own sync started
	}
	fmt.Printf("setup: index synced and trained in %.1f s\n", time.Since(start).Seconds())
	lib := &core.Library{Store: m.DB, Vectors: m.Index, Now: time.Now}
	start = time.Now()
	token, err := setupInterests(ctx, m, lib, gen, ps, *users, *per)
	if err != nil {
		return err
	}
	fmt.Printf("setup: %d readers × %d interests trained and stored in %.1f s\n", *users, *per, time.Since(start).Seconds())
	if err := skipFeed(ctx, m); err != nil { // the job's place: after the setup's papers, ranked already
		return err
	}
	var times []float64
	for run := range *runs {
		news := make([]*model.Paper, *ann)
		for i := range news {
			news[i] = gen.paper(fmt.Sprintf("n%d-%05d", run, i), time.Now().Add(-time.Minute))
		}
		if err := upsertAll(ctx, m, news); err != nil {
			return err
		}
		if err := m.Index.Sync(ctx); err != nil {
			return err
		}
		runtime.GC()
		peak := startPeak()
		t0 := time.Now()
		st, err := lib.RankNew(ctx)
		took := time.Since(t0).Seconds()
		heap, rss := peak.stop()
		if err != nil {
			return err
		}
		times = append(times, took)
		fmt.Printf("announcement %d: %d papers ranked for %d interests in %.2f s (%d rankings changed, %d in another vector space); peak heap +%d MB, peak RSS +%d MB\n",
			run+1, st.Papers, *users**per, took, st.Interests, st.OtherSpace, heap>>20, rss>>20)
	}
	sort.Float64s(times)
	fmt.Printf("rank an announcement: median %.2f s over %d runs\n", times[len(times)/2], len(times))
	if *profile != "" {
		f, err := os.Create(*profile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	return timeForYou(m.URL(), token, *requests)
}

// skipFeed moves the ranking job's place in the change feed to its end.
func skipFeed(ctx context.Context, m *cli.Main) error {
	feed, err := m.DB.ChangeFeedID(ctx)
	if err != nil {
		return err
	}
	var cur store.ChangeCursor
	for {
		cs, err := m.DB.PaperChanges(ctx, cur, 5000)
		if err != nil {
			return err
		}
		if len(cs) == 0 {
			return m.DB.SetFeedCursor(ctx, core.RankNewCursor, feed, cur)
		}
		cur = cs[len(cs)-1].At
	}
}

// topicGen writes papers like cmd/quire-bench's corpus: a third of each
// abstract's words from its topic (a real abstract), the rest from all.
type topicGen struct {
	rng    *rand.Rand
	pool   []string
	topics [][]string
	mu     sync.Mutex
	topic  map[string]int // paper id → topic
}

func newTopicGen(real []string, seed uint64) *topicGen {
	g := &topicGen{rng: rand.New(rand.NewPCG(seed, 2)), topic: map[string]int{}}
	for _, a := range real {
		if w := strings.Fields(a); len(w) > 20 {
			g.topics = append(g.topics, w)
			g.pool = append(g.pool, w...)
		}
	}
	return g
}

func (g *topicGen) paper(id string, at time.Time) *model.Paper {
	t := g.rng.IntN(len(g.topics))
	topic := g.topics[t]
	title := make([]string, 8+g.rng.IntN(7))
	for j := range title {
		title[j] = topic[g.rng.IntN(len(topic))]
	}
	abs := make([]string, len(g.topics[g.rng.IntN(len(g.topics))]))
	for j := range abs {
		if g.rng.IntN(3) == 0 {
			abs[j] = topic[g.rng.IntN(len(topic))]
		} else {
			abs[j] = g.pool[g.rng.IntN(len(g.pool))]
		}
	}
	g.mu.Lock()
	g.topic[id] = t
	g.mu.Unlock()
	return &model.Paper{ID: id, Title: strings.Join(title, " "), Summary: strings.Join(abs, " "), PublishedAt: at,
		Authors: []model.Author{{Name: "A. Author"}}, Categories: []string{"cs.LG"}, Upvotes: g.rng.IntN(30)}
}

func upsertAll(ctx context.Context, m *cli.Main, ps []*model.Paper) error {
	for lo := 0; lo < len(ps); lo += 2000 {
		if _, err := m.DB.UpsertPapers(ctx, ps[lo:min(lo+2000, len(ps))]); err != nil {
			return err
		}
	}
	return nil
}

// setupInterests makes the readers and their interests, trains every
// interest's model on one corpus of the last 3,000 papers (on every CPU)
// and stores it with its ranking of those papers. It returns the first
// reader's API token.
func setupInterests(ctx context.Context, m *cli.Main, lib *core.Library, gen *topicGen, ps []*model.Paper, users, per int) (string, error) {
	recent := ps[max(0, len(ps)-3000):]
	byTopic := map[int][]int{}
	for i, p := range recent {
		byTopic[gen.topic[p.ID]] = append(byTopic[gen.topic[p.ID]], i)
	}
	var topics []int
	for t, docs := range byTopic {
		if len(docs) >= 3 {
			topics = append(topics, t)
		}
	}
	sort.Ints(topics)
	toks := make([][]string, len(recent))
	ids := make([]string, len(recent))
	for i, p := range recent {
		toks[i], ids[i] = search.Tokens(p.Title+" "+p.Summary), p.ID
	}
	dense, space := m.Index.Vectors(ids)
	corpus := recommend.NewCorpusIDF(toks, dense, m.Index.IDF)
	corpus.Space = space
	accounts := &core.Accounts{Store: m.DB, Now: time.Now}
	first, err := accounts.Signup(ctx, "reader0", "reader0@bench.example", "password-reader0", "")
	if err != nil {
		return "", err
	}
	token, err := accounts.CreateToken(ctx, first.Name, "bench")
	if err != nil {
		return "", err
	}
	type job struct {
		c   *model.Collection
		pos []int
	}
	jobs := make(chan job, 64)
	var rows []*store.InterestRanking
	var mu sync.Mutex
	var wg sync.WaitGroup
	var failed atomic.Value
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for j := range jobs {
				mdl := corpus.Train(j.pos, nil, recommend.TrainOptions{Seed: uint64(j.c.ID)})
				var entries []recommend.Entry
				for d := range recent {
					entries = append(entries, recommend.Entry{ID: recent[d].ID, Score: mdl.Score(corpus, d), Published: recent[d].PublishedAt.Unix()})
				}
				rank := recommend.Ranking(nil).Merge(entries, time.Now().Add(-core.MaxForYouDays*24*time.Hour).Unix(), core.RankKeep)
				r := &store.InterestRanking{CollectionID: j.c.ID, Version: j.c.Version, Model: corpus.Encode(mdl), Ranking: recommend.EncodeRanking(rank)}
				mu.Lock()
				rows = append(rows, r)
				if len(rows) >= 500 {
					if _, err := m.DB.SaveInterestRankings(ctx, rows); err != nil {
						failed.Store(err)
					}
					rows = rows[:0]
				}
				mu.Unlock()
			}
		})
	}
	rng := rand.New(rand.NewPCG(3, 4))
	for u := range users {
		name := first.Name
		if u > 0 {
			name = fmt.Sprintf("reader%d", u)
			if err := m.DB.CreateAccount(ctx, &model.Account{Name: name, Email: name + "@bench.example", PasswordHash: "-",
				Role: model.RoleMember, CreatedAt: time.Now()}); err != nil {
				return "", err
			}
		}
		for k := range per {
			c := &model.Collection{Owner: name, Slug: fmt.Sprintf("interest-%d", k), Name: fmt.Sprintf("Interest %d", k),
				Private: true, Order: model.OrderAdded, Interest: true, FeedSecret: fmt.Sprintf("s-%d-%d", u, k)}
			if err := m.DB.CreateCollection(ctx, c); err != nil {
				return "", err
			}
			docs := byTopic[topics[rng.IntN(len(topics))]]
			pos := docs[:min(20, len(docs))]
			its := make([]model.CollectionItem, len(pos))
			for i, d := range pos {
				its[i] = model.CollectionItem{PaperID: recent[d].ID}
			}
			if _, err := m.DB.AddItems(ctx, c.ID, its, time.Now()); err != nil {
				return "", err
			}
			fresh, err := m.DB.FindCollectionByID(ctx, c.ID)
			if err != nil {
				return "", err
			}
			jobs <- job{fresh, pos}
		}
	}
	close(jobs)
	wg.Wait()
	if err, _ := failed.Load().(error); err != nil {
		return "", err
	}
	if _, err := m.DB.SaveInterestRankings(ctx, rows); err != nil {
		return "", err
	}
	if n, err := lib.RefreshStale(ctx, 10); err != nil || n != 0 {
		return "", fmt.Errorf("after the setup %d interests are stale (%v)", n, err)
	}
	return token, nil
}

// peak samples the Go heap every 20 ms and resets the kernel's peak RSS
// (VmHWM, through /proc/self/clear_refs) at the start.
type peak struct {
	base, max uint64
	rss0      uint64
	done      chan struct{}
	wg        sync.WaitGroup
}

func startPeak() *peak {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	p := &peak{base: ms.HeapInuse, max: ms.HeapInuse, done: make(chan struct{})}
	_ = os.WriteFile("/proc/self/clear_refs", []byte("5"), 0)
	p.rss0 = procStatus("VmRSS")
	p.wg.Go(func() {
		t := time.NewTicker(20 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-p.done:
				return
			case <-t.C:
				runtime.ReadMemStats(&ms)
				p.max = max(p.max, ms.HeapInuse)
			}
		}
	})
	return p
}

// stop returns the peak heap and the peak RSS above where they started.
func (p *peak) stop() (heap, rss uint64) {
	close(p.done)
	p.wg.Wait()
	hwm := procStatus("VmHWM")
	if hwm > p.rss0 {
		rss = hwm - p.rss0
	}
	return p.max - p.base, rss
}

// procStatus reads a size in bytes from /proc/self/status (0 if absent).
func procStatus(field string) uint64 {
	b, _ := os.ReadFile("/proc/self/status")
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, field+":"); ok {
			var kb uint64
			fmt.Sscan(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), &kb)
			return kb << 10
		}
	}
	return 0
}

// timeForYou requests /for-you (the page) and /api/recommendations as the
// first reader, one at a time, and prints their p50 and p99.
func timeForYou(base, token string, n int) error {
	for _, path := range []string{"/for-you", "/api/recommendations?interest=interest-0&limit=20"} {
		var ds []float64
		for i := range n + 5 {
			req, _ := http.NewRequest("GET", base+path, nil)
			req.Header.Set("Authorization", "Bearer "+token)
			t0 := time.Now()
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				return err
			}
			body, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if res.StatusCode != 200 {
				return fmt.Errorf("%s: %d %.200s", path, res.StatusCode, body)
			}
			if i == 0 && path == "/for-you" && !strings.Contains(string(body), `class="because note"`) {
				return fmt.Errorf("%s shows no recommendation", path)
			}
			if i >= 5 { // the first few warm the caches
				ds = append(ds, float64(time.Since(t0).Microseconds())/1000)
			}
		}
		sort.Float64s(ds)
		fmt.Printf("GET %s: p50 %.1f ms, p99 %.1f ms (%d requests)\n", path, ds[len(ds)/2], ds[len(ds)*99/100], len(ds))
	}
	return nil
}
