package model

import (
	"testing"
)

func TestParsePeriod(t *testing.T) {
	for _, tc := range []struct {
		kind            PeriodKind
		in, start, end  string
		key, prev, next string
	}{
		{Day, "2025-03-17", "2025-03-17", "2025-03-18", "2025-03-17", "2025-03-16", "2025-03-18"},
		{Week, "2025-W12", "2025-03-17", "2025-03-24", "2025-W12", "2025-W11", "2025-W13"},
		{Week, "2025-W01", "2024-12-30", "2025-01-06", "2025-W01", "2024-W52", "2025-W02"},
		{Week, "2020-W53", "2020-12-28", "2021-01-04", "2020-W53", "2020-W52", "2021-W01"},
		{Month, "2025-02", "2025-02-01", "2025-03-01", "2025-02", "2025-01", "2025-03"},
		{Month, "2024-12", "2024-12-01", "2025-01-01", "2024-12", "2024-11", "2025-01"},
	} {
		p, err := ParsePeriod(tc.kind, tc.in)
		if err != nil {
			t.Fatalf("%s %s: %v", tc.kind, tc.in, err)
		}
		if p.Start.String() != tc.start || p.End.String() != tc.end || p.Key() != tc.key ||
			p.Prev().Key() != tc.prev || p.Next().Key() != tc.next {
			t.Errorf("%s %s = [%s, %s) key %s prev %s next %s", tc.kind, tc.in, p.Start, p.End, p.Key(), p.Prev().Key(), p.Next().Key())
		}
	}
	for _, bad := range []struct {
		kind PeriodKind
		in   string
	}{{Day, "2025-02-29"}, {Day, "2025-2-1"}, {Day, "20250101"}, {Week, "2025-W00"}, {Week, "2025-W53"},
		{Week, "2025W10"}, {Month, "2025-13"}, {Month, "2025-00"}, {Month, "25-01"}, {"year", "2025"}} {
		if _, err := ParsePeriod(bad.kind, bad.in); ErrorCode(err) != EINVALID {
			t.Errorf("%s %q: err = %v, want EINVALID", bad.kind, bad.in, err)
		}
	}
}

func TestNormalizeArxivID(t *testing.T) {
	for in, want := range map[string]string{
		"2507.01234": "2507.01234", "2507.01234v2": "2507.01234", "arXiv:2507.01234": "2507.01234",
		"0704.0001": "0704.0001", "hep-th/9901001": "hep-th/9901001", "hep-th/9901001v3": "hep-th/9901001",
		"math.GT/0309136": "math.GT/0309136", " 2507.01234 ": "2507.01234",
	} {
		if got, err := NormalizeArxivID(in); err != nil || got != want {
			t.Errorf("NormalizeArxivID(%q) = %q, %v", in, got, err)
		}
	}
	for _, bad := range []string{"", "2507.123", "2507.123456", "../etc/passwd", "hep-th/990100", "2507.01234v", "abc"} {
		if _, err := NormalizeArxivID(bad); ErrorCode(err) != EINVALID {
			t.Errorf("NormalizeArxivID(%q) accepted", bad)
		}
	}
}

func FuzzParsePeriod(f *testing.F) {
	for _, s := range []string{"2025-03-17", "2025-W12", "2025-02", "2020-W53", "9999-12-31"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, k := range []PeriodKind{Day, Week, Month} {
			p, err := ParsePeriod(k, s)
			if err != nil {
				continue
			}
			if !p.Start.Before(p.End) || !p.Contains(p.Start) || p.Contains(p.End) {
				t.Fatalf("%s %q: bad range [%s, %s)", k, s, p.Start, p.End)
			}
			again, err := ParsePeriod(k, p.Key())
			if err != nil || again != p {
				t.Fatalf("%s %q: key %q does not parse back: %v", k, s, p.Key(), err)
			}
		}
	})
}

func FuzzNormalizeArxivID(f *testing.F) {
	for _, s := range []string{"2507.01234v2", "hep-th/9901001", "arXiv:0704.0001"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		id, err := NormalizeArxivID(s)
		if err != nil {
			return
		}
		if again, err := NormalizeArxivID(id); err != nil || again != id {
			t.Fatalf("%q → %q is not a fixed point", s, id)
		}
	})
}

func TestCodeLink(t *testing.T) {
	for in, want := range map[string]string{
		"Code: https://github.com/thuml/Flowformer.":               "https://github.com/thuml/Flowformer",
		"at https://github.com/a/b.git and https://github.com/c/d": "https://github.com/a/b",
		"see https://gitlab.com/a/b":                               "",
		"https://github.com/onlyuser":                              "",
	} {
		if got := CodeLink(in); got != want {
			t.Errorf("CodeLink(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestParseArxivRef(t *testing.T) {
	for in, want := range map[string]string{
		"2608.05987":                                   "2608.05987",
		"arXiv:2608.05987v2":                           "2608.05987",
		"https://arxiv.org/abs/2608.05987":             "2608.05987",
		"http://export.arxiv.org/pdf/2608.05987v3.pdf": "2608.05987",
		"arxiv.org/html/2608.05987v1":                  "2608.05987",
		"10.48550/arXiv.2608.05987":                    "2608.05987",
		"https://doi.org/10.48550/ARXIV.1611.07308":    "1611.07308",
		"arXiv preprint arXiv:1607.06450":              "1607.06450",
		"arXiv:2107.05407 [cs]":                        "2107.05407",
		"hep-th/9901001":                               "hep-th/9901001",
		"https://arxiv.org/abs/math.GT/0309136v1":      "math.GT/0309136",
		"https://arxiv.org/abs/hep-th/9901001":         "hep-th/9901001",
	} {
		if got, err := ParseArxivRef(in); got != want || err != nil {
			t.Errorf("ParseArxivRef(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, in := range []string{"", "10.1000/xyz", "https://example.org/abs/2608.05987", "flow matching"} {
		if got, err := ParseArxivRef(in); err == nil {
			t.Errorf("ParseArxivRef(%q) = %q, want an error", in, got)
		}
	}
}

// Whatever is pasted, ParseArxivRef does not panic, and what it returns is
// a canonical id.
func FuzzParseArxivRef(f *testing.F) {
	for _, s := range []string{"2608.05987", "https://arxiv.org/abs/hep-th/9901001v2", "10.48550/arXiv.1611.07308", "arXiv: 2107.05407 [cs]", "x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		id, err := ParseArxivRef(s)
		if err != nil {
			return
		}
		if again, err := NormalizeArxivID(id); err != nil || again != id {
			t.Fatalf("ParseArxivRef(%q) = %q, not canonical (%q, %v)", s, id, again, err)
		}
	})
}
