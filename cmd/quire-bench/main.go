// Command quire-bench holds quire's benchmarks and the data generators they
// use. It is a separate program so that peers and generators never enter
// the shipped binary.
//
//	go run ./cmd/quire-bench gen-kaggle --lines 1000000 --seed 1 > snapshot.jsonl
//	go run ./cmd/quire-bench search --docs 100000 [--json]
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/quire/quire/internal/arxiv/arxivtest"
)

const sample = "internal/arxiv/testdata/kaggle/arxiv-metadata-oai-snapshot.head-0001-0150.jsonl"

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: quire-bench gen-kaggle [--lines N] [--seed S] [--sample FILE] | search --docs N [--json] | http --url URL | recommend [--papers N] [--users N]")
		os.Exit(2)
	}
	switch os.Args[1] {
	case "gen-kaggle":
		fs := flag.NewFlagSet("gen-kaggle", flag.ExitOnError)
		lines := fs.Int("lines", 1_000_000, "how many records")
		seed := fs.Int64("seed", 1, "random seed")
		path := fs.String("sample", sample, "real Kaggle lines to imitate")
		perDay := fs.Int("per-day", 0, "spread first versions over weekdays, this many a day (0: one date for all)")
		_ = fs.Parse(os.Args[2:])
		tmpl, err := arxivtest.Templates(*path)
		if err == nil {
			err = arxivtest.WriteDaily(os.Stdout, tmpl, *lines, *seed, *perDay)
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "quire-bench:", err)
			os.Exit(1)
		}
	case "search":
		if err := runSearchBench(os.Args[2:]); err != nil {
			fmt.Fprintln(os.Stderr, "quire-bench:", err)
			os.Exit(1)
		}
	case "votes":
		if err := runVotesBench(os.Args[2:]); err != nil {
			fmt.Fprintln(os.Stderr, "quire-bench:", err)
			os.Exit(1)
		}
	case "recommend":
		if err := runRecommendBench(os.Args[2:]); err != nil {
			fmt.Fprintln(os.Stderr, "quire-bench:", err)
			os.Exit(1)
		}
	case "http":
		if err := runHTTPBench(os.Args[2:]); err != nil {
			fmt.Fprintln(os.Stderr, "quire-bench:", err)
			os.Exit(1)
		}
	case "get":
		if err := runGetBench(os.Args[2:]); err != nil {
			fmt.Fprintln(os.Stderr, "quire-bench:", err)
			os.Exit(1)
		}
	case "search-engine":
		if err := runSearchEngine(os.Args[2:]); err != nil {
			fmt.Fprintln(os.Stderr, "quire-bench:", err)
			os.Exit(1)
		}
	default:
		fmt.Fprintf(os.Stderr, "quire-bench: unknown command %q\n", os.Args[1])
		os.Exit(2)
	}
}
