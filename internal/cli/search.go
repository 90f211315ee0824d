package cli

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"strings"

	"github.com/quire/quire/internal/config"
	"github.com/quire/quire/internal/core"
	"github.com/quire/quire/internal/web/api"
)

// runSearch is `quire search [--json] [--limit N] [--sort …] QUERY`: the same
// search as the site and the API, from the command line.
func runSearch(ctx context.Context, args []string, env Env) error {
	var asJSON bool
	var limit int
	var sortBy, category, org string
	cfg, log, rest, err := setup("search", args, env, func(fs *flag.FlagSet, _ *config.Config) {
		fs.BoolVar(&asJSON, "json", false, "print the results as the API does (JSON)")
		fs.IntVar(&limit, "limit", 10, "how many results")
		fs.StringVar(&sortBy, "sort", "", "relevance (default), date or upvotes")
		fs.StringVar(&category, "category", "", "only this arXiv category or archive")
		fs.StringVar(&org, "org", "", "only this organization")
	})
	if err != nil {
		return err
	}
	if len(rest) == 0 {
		return fmt.Errorf("%w: quire search [flags] QUERY", errUsage)
	}
	db, papers, err := openPapers(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer db.Close()
	found, err := papers.Find(ctx, core.SearchQuery{Q: strings.Join(rest, " "), Limit: limit, Sort: sortBy, Category: category, Org: org})
	if err != nil {
		return err
	}
	if asJSON {
		items := make([]api.DailyPaper, len(found))
		for i, p := range found {
			items[i] = api.NewDailyPaper(p)
		}
		return json.NewEncoder(env.Stdout).Encode(items)
	}
	for i, p := range found {
		fmt.Fprintf(env.Stdout, "%2d. %s  %s\n", i+1, p.ID, p.Title)
	}
	if len(found) == 0 {
		fmt.Fprintln(env.Stdout, "no papers match")
	}
	return nil
}
