package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/quire/quire/internal/core"
	"github.com/quire/quire/internal/model"
	"github.com/quire/quire/internal/store"
	"github.com/quire/quire/internal/store/postgres"
	"github.com/quire/quire/internal/store/sqlite"
	"github.com/quire/quire/internal/store/sqlstore"
)

// runVotesBench makes N voters (accounts with API tokens, in the server's
// database) who upvote K papers each through the API of a running server,
// all at once, each from its own loopback address (127.0.x.y), as many
// people behind as many addresses would: the per-address rate limit stays
// per person. It prints votes/s and then checks in the database that
// every vote was counted once.
func runVotesBench(args []string) error {
	fs := flag.NewFlagSet("votes", flag.ExitOnError)
	base := fs.String("url", "http://127.0.0.1:8080", "server")
	dbURL := fs.String("database-url", "", "the server's PostgreSQL database (or --data for SQLite)")
	data := fs.String("data", "", "the server's data directory (SQLite)")
	voters := fs.Int("voters", 200, "concurrent voters")
	each := fs.Int("votes", 50, "papers each voter upvotes (the API allows a burst of 60)")
	_ = fs.Parse(args)
	ctx := context.Background()
	var db *sqlstore.DB
	var err error
	if *dbURL != "" {
		db, err = postgres.Open(ctx, *dbURL)
	} else {
		db, err = sqlite.Open(*data + "/quire.db")
	}
	if err != nil {
		return err
	}
	defer db.Close()
	papers, err := db.FindPapers(ctx, store.PaperFilter{OnDaily: true, Sort: store.SortUpvotes, Limit: *each})
	if err != nil || len(papers) < *each {
		return fmt.Errorf("want %d papers on the daily list, found %d (%v): serve --demo first", *each, len(papers), err)
	}
	accounts := &core.Accounts{Store: db, Now: time.Now}
	stamp := time.Now().UnixNano()
	tokens := make([]string, *voters)
	names := make([]string, *voters)
	for i := range tokens {
		names[i] = fmt.Sprintf("bench%d-%d", stamp%1e6, i)
		if err := db.CreateAccount(ctx, &model.Account{Name: names[i], Email: names[i] + "@bench.example", PasswordHash: "-",
			Role: model.RoleMember, CreatedAt: time.Now().Add(-48 * time.Hour)}); err != nil {
			return err
		}
		if tokens[i], err = accounts.CreateToken(ctx, names[i], "bench"); err != nil {
			return err
		}
	}
	before := localVotes(ctx, db, papers)
	var ok, failed atomic.Int64
	var firstErr atomic.Value
	var wg sync.WaitGroup
	start := time.Now()
	for i := range *voters {
		wg.Go(func() {
			local := &net.TCPAddr{IP: net.IPv4(127, 0, byte(1+i/250), byte(1+i%250))}
			client := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{
				DialContext: (&net.Dialer{LocalAddr: local, Timeout: 5 * time.Second}).DialContext, MaxIdleConnsPerHost: 1}}
			for _, p := range papers {
				req, _ := http.NewRequest("POST", *base+"/api/papers/"+p.ID+"/upvote", nil)
				req.Header.Set("Authorization", "Bearer "+tokens[i])
				res, err := client.Do(req)
				if err == nil {
					_, _ = io.Copy(io.Discard, res.Body)
					res.Body.Close()
					if res.StatusCode != 200 {
						err = fmt.Errorf("HTTP %d", res.StatusCode)
					}
				}
				if err != nil {
					failed.Add(1)
					firstErr.CompareAndSwap(nil, err.Error())
					continue
				}
				ok.Add(1)
			}
		})
	}
	wg.Wait()
	took := time.Since(start)
	fmt.Printf("%d voters × %d papers: %d votes in %s: %.0f votes/s (%d failed", *voters, *each, ok.Load(), took.Round(time.Millisecond),
		float64(ok.Load())/took.Seconds(), failed.Load())
	if e := firstErr.Load(); e != nil {
		fmt.Printf(", first: %s", e)
	}
	fmt.Println(")")
	after := localVotes(ctx, db, papers)
	if got := after - before; got != ok.Load() {
		return fmt.Errorf("the papers counted %d new votes for %d accepted", got, ok.Load())
	}
	fmt.Printf("checked: the papers' counts grew by exactly the %d accepted votes\n", ok.Load())
	return nil
}

func localVotes(ctx context.Context, db *sqlstore.DB, papers []*model.Paper) int64 {
	ids := make([]string, len(papers))
	for i, p := range papers {
		ids[i] = p.ID
	}
	ps, _ := db.FindPapers(ctx, store.PaperFilter{IDs: ids})
	var n int64
	for _, p := range ps {
		n += int64(p.LocalUpvotes)
	}
	return n
}
