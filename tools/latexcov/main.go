// Command latexcov measures the LaTeX renderer on real abstracts: it renders
// every title and abstract under the given folders (Hugging Face daily-papers
// JSON, Kaggle arXiv JSON lines, OAI-PMH oai_dc JSON lines, seed-page JSON
// lines) and prints how many fragments fell back to escaped source, and
// which.
//
//	go run ./tools/latexcov ../shared/data ../shared/seed
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/quire/quire/internal/latex"
)

type counts struct {
	texts, withTeX, math, fallbackTexts int
	fallbacks                           map[string]int
}

func main() {
	c := &counts{fallbacks: map[string]int{}}
	for _, root := range os.Args[1:] {
		err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			switch {
			case strings.HasSuffix(path, ".json"):
				return readHF(path, c)
			case strings.HasSuffix(path, ".jsonl"):
				return readLines(path, c)
			}
			return nil
		})
		if err != nil {
			fmt.Fprintln(os.Stderr, "latexcov:", err)
			os.Exit(1)
		}
	}
	report(c)
}

func (c *counts) add(s string) {
	if s == "" {
		return
	}
	c.texts++
	if strings.ContainsAny(s, `\$`) {
		c.withTeX++
	}
	r := latex.Block(s)
	c.math += strings.Count(r.HTML, "<math")
	if len(r.Fallbacks) > 0 {
		c.fallbackTexts++
	}
	for _, f := range r.Fallbacks {
		c.fallbacks[f]++
	}
}

func readHF(path string, c *counts) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	var items []struct {
		Paper struct{ Title, Summary string } `json:"paper"`
	}
	if json.Unmarshal(b, &items) != nil {
		return nil // not a daily-papers response (e.g. a recorded exchange)
	}
	for _, it := range items {
		c.add(it.Paper.Title)
		c.add(it.Paper.Summary)
	}
	return nil
}

func readLines(path string, c *counts) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for sc.Scan() {
		line := sc.Bytes()
		var kaggle struct{ Title, Abstract string }
		if json.Unmarshal(line, &kaggle) == nil && (kaggle.Title != "" || kaggle.Abstract != "") {
			c.add(kaggle.Title)
			c.add(kaggle.Abstract)
			continue
		}
		var dc []json.RawMessage
		if json.Unmarshal(line, &dc) == nil && len(dc) == 2 {
			var rec struct{ Title, Description []string }
			if json.Unmarshal(dc[1], &rec) == nil {
				for _, t := range rec.Title {
					c.add(t)
				}
				if len(rec.Description) > 0 {
					c.add(rec.Description[0]) // the others are "Comment: …"
				}
			}
		}
	}
	return sc.Err()
}

func report(c *counts) {
	total := 0
	keys := make([]string, 0, len(c.fallbacks))
	for k, n := range c.fallbacks {
		keys = append(keys, k)
		total += n
	}
	sort.Slice(keys, func(i, j int) bool {
		if c.fallbacks[keys[i]] != c.fallbacks[keys[j]] {
			return c.fallbacks[keys[i]] > c.fallbacks[keys[j]]
		}
		return keys[i] < keys[j]
	})
	fmt.Printf("texts (titles and abstracts): %d\n", c.texts)
	fmt.Printf("texts containing \\ or $:      %d\n", c.withTeX)
	fmt.Printf("math elements rendered:       %d\n", c.math)
	fmt.Printf("texts with a fallback:        %d\n", c.fallbackTexts)
	fmt.Printf("fallback fragments:           %d (%d distinct)\n\n", total, len(keys))
	for _, k := range keys {
		fmt.Printf("%5d  %s\n", c.fallbacks[k], strings.ReplaceAll(k, "\n", " "))
	}
}
