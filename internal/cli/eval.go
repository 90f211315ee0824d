package cli

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/quire/quire/internal/eval"
	"github.com/quire/quire/internal/search"
)

// runEval measures search quality on a test collection: nDCG@10, MAP and
// recall@100 for the lexical, semantic and hybrid rankings, and for two
// baselines of package eval's own: textbook BM25 (unstemmed) and the
// classical pipeline (stemmed BM25 with RM3 feedback). The hybrid's ratios
// to both are issue #15's quality goal (1.15× and 1.05×).
func runEval(ctx context.Context, args []string, env Env) error {
	if len(args) > 0 && args[0] == "recommend" {
		return runEvalRecommend(ctx, args[1:], env)
	}
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
	engines, err := eval.Build(docs)
	if err != nil {
		return err
	}
	rm3, plain := eval.NewRM3(docs), eval.PlainBM25(docs)
	out := map[string]eval.Metrics{}
	for _, r := range []struct {
		name string
		rank func(string) []string
	}{{"lexical", engines.Lexical}, {"semantic", engines.Semantic}, {"hybrid", engines.Hybrid},
		{"bm25", plain.BM25}, {"bm25+rm3", rm3.Rank}} {
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
	for _, name := range []string{"lexical", "semantic", "hybrid", "bm25", "bm25+rm3"} {
		m := out[name]
		fmt.Fprintf(env.Stdout, "%-9s %8.4f %8.4f %10.4f\n", name, m.NDCG10, m.MAP, m.Recall100)
	}
	h := out["hybrid"].NDCG10
	fmt.Fprintf(env.Stdout, "hybrid nDCG@10: %.3f× bm25+rm3 (goal 1.05×), %.3f× bm25 (goal 1.15×), %.3f× lexical\n",
		h/out["bm25+rm3"].NDCG10, h/out["bm25"].NDCG10, h/out["lexical"].NDCG10)
	return nil
}

// runEvalRecommend measures recommendations on a test collection: for each
// query with 4 or more relevant documents, half of them are an interest and
// the rest are to be found; recall@20 and nDCG@20 for quire and the three
// baselines, without and with "not interested" marks.
func runEvalRecommend(_ context.Context, args []string, env Env) error {
	fs := newFlagSet("eval recommend", env)
	docsPath := fs.String("docs", "", "documents, JSON lines {id, title, text}")
	fs.String("queries", "", "queries, JSON lines (only their judgments are used)")
	qrelsPath := fs.String("qrels", "", "judgments, TSV query-id corpus-id score")
	asJSON := fs.Bool("json", false, "print one JSON object")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *docsPath == "" || *qrelsPath == "" {
		return fmt.Errorf("%w: quire eval recommend --docs D.jsonl --queries Q.jsonl --qrels R.tsv [--json]", errUsage)
	}
	docs, err := eval.LoadJSONL[eval.Doc](*docsPath)
	if err != nil {
		return err
	}
	qrels, err := eval.LoadQrels(*qrelsPath)
	if err != nil {
		return err
	}
	res, err := eval.Recommend(docs, qrels, search.LSAOptions{Seed: 1})
	if err != nil {
		return err
	}
	if *asJSON {
		return json.NewEncoder(env.Stdout).Encode(res)
	}
	fmt.Fprintf(env.Stdout, "%d documents, %d interests (queries with 4+ relevant documents, half held out)\n", len(docs), res.Queries)
	fmt.Fprintf(env.Stdout, "negatives: the %d non-relevant documents %s ranks highest\n", eval.RecNegatives, res.Best)
	fmt.Fprintf(env.Stdout, "%-12s %10s %8s   %10s %8s\n", "", "without", "", "with negatives", "")
	fmt.Fprintf(env.Stdout, "%-12s %10s %8s   %10s %8s\n", "method", "recall@20", "nDCG@20", "recall@20", "nDCG@20")
	for _, r := range res.Table {
		fmt.Fprintf(env.Stdout, "%-12s %10.4f %8.4f   %10.4f %8.4f\n", r.Method, r.Without.Recall, r.Without.NDCG, r.With.Recall, r.With.NDCG)
	}
	return nil
}
