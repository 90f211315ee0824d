package bib_test

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/quire/quire/internal/bib"
)

func TestBibTeXForms(t *testing.T) {
	src := `% a comment with an address foo@example.org
Junk text before entries.
@string{ jml = "Journal of Machine Learning" }
@comment{ ignored {nested} }
@article{a1,
  title = "{Attention Is All You Need}",
  author = {Vaswani, Ashish and Shazeer, Noam and {Google Brain Team}},
  journal = jml # " Research",
  month = jun, year = 2017,
  eprint = {1706.03762v5}, archivePrefix = {arXiv}
}
@InProceedings{	  b2,
  title		= {A {Case} Study},
  journal	= {arXiv preprint arXiv:1607.06450}
}
@misc(c3, url = {http://arxiv.org/abs/hep-th/9901001v2}, doi = {https://doi.org/10.1000/XYZ.12})
@article{d4, doi = {10.48550/arXiv.2101.00001}, eprint = {PMC123}, archiveprefix = {PMC}}
`
	es, err := bib.ParseBibTeX([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if len(es) != 4 {
		t.Fatalf("%d entries: %+v", len(es), es)
	}
	a := es[0]
	if a.Key != "a1" || a.Line != 5 || a.Title != "Attention Is All You Need" || a.ArxivID != "1706.03762" || a.Year != "2017" {
		t.Errorf("first entry %+v", a)
	}
	if len(a.Authors) != 3 || a.Authors[2] != "Google Brain Team" || a.Fields["journal"] != "Journal of Machine Learning Research" || a.Fields["month"] != "6" {
		t.Errorf("authors %q, journal %q, month %q", a.Authors, a.Fields["journal"], a.Fields["month"])
	}
	if b := es[1]; b.Key != "b2" || b.ArxivID != "1607.06450" || b.Title != "A {Case} Study" {
		t.Errorf("second entry %+v", b)
	}
	if c := es[2]; c.ArxivID != "hep-th/9901001" || c.DOI != "10.1000/xyz.12" {
		t.Errorf("third entry %+v", c)
	}
	if d := es[3]; d.ArxivID != "2101.00001" {
		t.Errorf("arXiv's DOI: %+v", d)
	}
}

// A broken file is an error that names the line; an entry whose closing
// brace is missing before the next entry is read with a warning, as
// BibTeX itself does.
func TestBibTeXErrors(t *testing.T) {
	for _, tc := range []struct {
		src  string
		line int
		msg  string
	}{
		{"@article{k,\n title = {Unclosed {inner,\n year = 2020\n}\n", 2, "never closed"},
		{"@article{k,\n title = {Unclosed,\n year = 2020\n}\n", 1, "the file ends inside it"},
		{"@article{k,\n title = {Runaway {inner,\n}\n@article{next, title={x}}\n", 2, "not closed before the entry at line 4"},
		{"@article{k,\n title \"x\"\n}\n", 2, "has no '='"},
		{"@article{k,\n title = \"open quote\n", 2, "quote"},
		{"@article{k,\n title = {a} {b}\n}\n", 2, "expected ','"},
		{"@article{k, title = {x},", 1, "not closed"},
	} {
		_, err := bib.ParseBibTeX([]byte(tc.src))
		var be *bib.Error
		if !errors.As(err, &be) || be.Line != tc.line || !strings.Contains(be.Msg, tc.msg) {
			t.Errorf("%q: %v, want line %d with %q", tc.src, err, tc.line, tc.msg)
		}
	}
	es, err := bib.ParseBibTeX([]byte("@article{a,\n title = {One},\n note = {x}\n\n@article{b, title = {Two}}\n"))
	if err != nil || len(es) != 2 || es[0].Warning == "" || es[1].Title != "Two" {
		t.Errorf("unclosed entry before the next: %v %+v", err, es)
	}
}

func TestRIS(t *testing.T) {
	src := "\ufeffTY  - JOUR\r\nTI  - A long title\r\n      wrapped onto a second line\r\nAU  - Doe, Jane\r\nAU  - Roe, R.\r\n" +
		"PY  - 2021\r\nDO  - 10.48550/ARXIV.1611.07308\r\nER  - \r\n\r\nTY  - MISC\nT2  - ArXiv\nVL  - abs/2101.06569\nER  -\n"
	es, _, err := bib.Parse([]byte(src), "")
	if err != nil {
		t.Fatal(err)
	}
	if len(es) != 2 || es[0].Title != "A long title wrapped onto a second line" || len(es[0].Authors) != 2 || es[0].ArxivID != "1611.07308" || es[0].Year != "2021" {
		t.Fatalf("entries %+v", es)
	}
	if es[1].ArxivID != "2101.06569" || es[1].Line != 10 {
		t.Errorf("second %+v", es[1])
	}
	for _, bad := range []struct {
		src  string
		line int
	}{{"TY  - JOUR\nTI  - x\n", 1}, {"AU  - Doe\n", 1}, {"TY  - JOUR\nTY  - JOUR\nER  - \n", 2}, {"hello\n", 1}} {
		_, err := bib.ParseRIS([]byte(bad.src))
		var be *bib.Error
		if !errors.As(err, &be) || be.Line != bad.line {
			t.Errorf("%q: %v, want an error at line %d", bad.src, err, bad.line)
		}
	}
}

func TestCSLAndIDs(t *testing.T) {
	src := `[
  {"id": "a", "type": "report", "title": "Pre", "container-title": "arXiv", "number": "1212.0901v2",
   "author": [{"family": "Doe", "given": "Jane"}, {"literal": "The Consortium"}], "issued": {"date-parts": [[2012, 12]]}},
  {"id": 7, "type": "article-journal", "title": "Pub", "DOI": "10.1000/ABC", "note": "standard_id: arxiv:1106.5730"}
]`
	es, format, err := bib.Parse([]byte(src), "")
	if err != nil || format != bib.CSL || len(es) != 2 {
		t.Fatalf("%s %v %+v", format, err, es)
	}
	if es[0].ArxivID != "1212.0901" || es[0].Year != "2012" || es[0].Authors[1] != "The Consortium" || es[0].Line != 2 {
		t.Errorf("first %+v", es[0])
	}
	if es[1].ArxivID != "1106.5730" || es[1].DOI != "10.1000/abc" || es[1].Key != "7" || es[1].Line != 4 {
		t.Errorf("second %+v", es[1])
	}
	var be *bib.Error
	if _, err := bib.ParseCSL([]byte("[\n{\"id\": \"a\",\n \"title\": }\n]")); !errors.As(err, &be) || be.Line != 3 {
		t.Errorf("broken JSON: %v", err)
	}
	ids, format, err := bib.Parse([]byte("# my list\n2608.05987, arXiv:2608.05988v2\nhttps://arxiv.org/abs/hep-th/9901001\nhttps://doi.org/10.1103/PhysRevD.76.013009\n"), "")
	if err != nil || format != bib.IDs || len(ids) != 4 || ids[2].ArxivID != "hep-th/9901001" || ids[3].DOI != "10.1103/physrevd.76.013009" || ids[3].Line != 4 {
		t.Errorf("ids: %s %v %+v", format, err, ids)
	}
	if _, err := bib.ParseIDs([]byte("2608.05987\nnot-an-id\n")); !errors.As(err, &be) || be.Line != 2 {
		t.Errorf("bad id: %v", err)
	}
}

// Hostile input: no panic, and no value beyond the bound.
func FuzzParse(f *testing.F) {
	for _, s := range []string{"@article{k, title={x}}", "TY  - JOUR\nER  - \n", `[{"title":"x"}]`, "2608.05987",
		"@misc{k, title = {" + strings.Repeat("{", 1000), "@a{" + strings.Repeat("x", 5000), "@string{a=b#c#d}", "\"x\""} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, format := range []string{bib.BibTeX, bib.RIS, bib.CSL, bib.IDs, ""} {
			es, _, err := bib.Parse(b, format)
			if err != nil {
				continue
			}
			for _, e := range es {
				for k, v := range e.Fields {
					if len(v) > 2*bib.MaxFieldLen {
						t.Fatalf("field %s of %d bytes", k, len(v))
					}
				}
			}
		}
	})
}

// A 100 MB line is refused quickly without holding more than it.
func TestHugeLine(t *testing.T) {
	b := bytes.Repeat([]byte("a"), 8<<20)
	copy(b, "@misc{k, title = {")
	if _, err := bib.ParseBibTeX(b); err == nil || !strings.Contains(err.Error(), "longer than") {
		t.Errorf("8 MB value: %v", err)
	}
}

func TestTitleKey(t *testing.T) {
	for _, pair := range [][2]string{
		{"{Schr{\\\"o}dinger's} {C}at: A {\\em Study}", "Schrödinger’s Cat — a study"},
		{"$\\pi_0$: A Vision-Language-Action Flow Model", "π0: a vision language action flow model"},
		{"Stra{\\ss}e und {\\O}re", "Straße und Øre"},
	} {
		if a, b := bib.TitleKey(pair[0]), bib.TitleKey(pair[1]); a != b {
			t.Errorf("TitleKey(%q) = %q, TitleKey(%q) = %q", pair[0], a, pair[1], b)
		}
	}
}
