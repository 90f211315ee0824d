package cli

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/quire/quire/internal/eval"
	"github.com/quire/quire/internal/search"
)

// runEval measures search quality on a test collection: nDCG@10, MAP and
// recall@100 for the lexical, semantic and hybrid rankings.
func runEval(_ context.Context, args []string, env Env) error {
	fs := newFlagSet("eval", env)
	docsPath := fs.String("docs", "", "documents, JSON lines {id, title, text}")
	queriesPath := fs.String("queries", "", "queries, JSON lines {id, text}")
	qrelsPath := fs.String("qrels", "", "judgments, TSV query-id corpus-id score")
	asJSON := fs.Bool("json", false, "print one JSON object")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *docsPath == "" || *queriesPath == "" || *qrelsPath == "" {
		return fmt.Errorf("%w: quire eval --docs D.jsonl --queries Q.jsonl --qrels R.tsv [--json]", errUsage)
	}
	docs, err := eval.LoadJSONL[eval.Doc](*docsPath)
	if err != nil {
		return err
	}
	queries, err := eval.LoadJSONL[eval.Query](*queriesPath)
	if err != nil {
		return err
	}
	qrels, err := eval.LoadQrels(*qrelsPath)
	if err != nil {
		return err
	}
	engines, err := eval.Build(docs, search.LSAOptions{Seed: 1})
	if err != nil {
		return err
	}
	out := map[string]eval.Metrics{}
	for _, r := range []struct {
		name string
		rank func(string) []string
	}{{"lexical", engines.Lexical}, {"semantic", engines.Semantic}, {"hybrid", engines.Hybrid}} {
		runs := map[string][]string{}
		for _, q := range queries {
			runs[q.ID] = r.rank(q.Text)
		}
		out[r.name] = eval.Score(runs, qrels)
	}
	if *asJSON {
		return json.NewEncoder(env.Stdout).Encode(out)
	}
	fmt.Fprintf(env.Stdout, "%d documents, %d judged queries\n%-9s %8s %8s %10s\n", len(docs), out["lexical"].Queries,
		"engine", "nDCG@10", "MAP", "recall@100")
	for _, name := range []string{"lexical", "semantic", "hybrid"} {
		m := out[name]
		fmt.Fprintf(env.Stdout, "%-9s %8.4f %8.4f %10.4f\n", name, m.NDCG10, m.MAP, m.Recall100)
	}
	return nil
}
