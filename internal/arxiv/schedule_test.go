package arxiv

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/quire/quire/internal/model"
	"github.com/quire/quire/internal/testutil"
)

func et(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, Eastern)
	if err != nil {
		panic(err)
	}
	return t
}

// The listing-day rule at its edges: the 14:00 cut-off, the weekend, the
// switches to and from daylight saving, and arXiv's 2026 holidays.
func TestListingDayEdges(t *testing.T) {
	for _, tc := range []struct{ submitted, want string }{
		{"2026-10-13 13:59", "2026-10-14"}, // Tue before the cut-off: Tue 20:00 ET = Wed 00:00 UTC
		{"2026-10-13 14:00", "2026-10-15"}, // at the cut-off: the next evening
		{"2026-10-15 13:59", "2026-10-16"}, // Thu before: Thu evening, listed Friday
		{"2026-10-15 14:01", "2026-10-19"}, // Thu after: Sunday evening, listed Monday
		{"2026-10-16 13:59", "2026-10-19"}, // Fri before 14:00: Sunday too
		{"2026-10-16 14:00", "2026-10-20"}, // Fri after: Monday evening, listed Tuesday
		{"2026-10-18 23:00", "2026-10-20"}, // Sunday night: Monday evening
		{"2026-10-19 13:00", "2026-10-20"},
		// Daylight saving ends Sun 2026-11-01: 20:00 EST is 01:00 UTC.
		{"2026-10-30 15:00", "2026-11-03"},
		{"2026-11-02 10:00", "2026-11-03"},
		// and begins Sun 2026-03-08: 20:00 EDT is 00:00 UTC.
		{"2026-03-06 12:00", "2026-03-09"},
		{"2026-03-09 13:59", "2026-03-10"},
		// Holidays: Mon 2026-01-19 (no Monday announcement) → Tuesday evening.
		{"2026-01-16 15:00", "2026-01-21"},
		{"2026-01-19 12:00", "2026-01-21"},
		// Thanksgiving Thu 2026-11-26: Wednesday-after-cut-off goes out Sunday.
		{"2026-11-25 15:00", "2026-11-30"},
		// Christmas Friday (no announcement on Fridays anyway) and 12-29, 12-31.
		{"2026-12-28 15:00", "2026-12-31"}, // Tue 12-29 is a holiday: Wed evening
		{"2026-12-30 15:00", "2027-01-04"}, // Thu 12-31 is one too: Sunday 01-03
	} {
		if got := ListingDay(et(tc.submitted)).String(); got != tc.want {
			t.Errorf("submitted %s ET: listed %s, want %s", tc.submitted, got, tc.want)
		}
	}
	for _, d := range []string{"2026-10-17", "2026-10-18", "2026-01-20"} { // Sat, Sun, the day after a holiday
		if IsListingDay(model.MustDate(d)) {
			t.Errorf("%s is a listing day", d)
		}
	}
	if !IsListingDay(model.MustDate("2026-10-19")) || !IsListingDay(model.MustDate("2026-10-16")) {
		t.Error("Monday and Friday are listing days")
	}
	if next := NextAnnouncement(et("2026-11-26 09:00")); !next.Equal(et("2026-11-29 20:00")) {
		t.Errorf("after Thanksgiving morning the next announcement is %s", next)
	}
}

// On real OAI-PMH days (the oai_dc dumps, one file per datestamp), every
// new paper's submission date maps to the file's day by the schedule, for
// some time of that submission day.
func TestListingDayOnRealDatestamps(t *testing.T) {
	checked, held := 0, 0
	eachDCRecord(t, func(day model.Date, meta dcRecord) {
		if len(meta.Date) != 1 {
			return // only papers with one version: new submissions
		}
		v1, err := time.ParseInLocation("2006-01-02", meta.Date[0], Eastern)
		if err != nil || day.Time().Sub(v1) > 5*24*time.Hour || v1.After(day.Time()) {
			return // an old paper's metadata update, not a new one
		}
		checked++
		early, late := ListingDay(v1.Add(time.Hour)), ListingDay(v1.Add(23*time.Hour))
		switch {
		case day.Before(early):
			t.Errorf("%s: submitted %s, listed before the schedule allows (%s)", day, meta.Date[0], early)
		case day.Before(late.AddDays(1)):
		default:
			// Later than the schedule: held for moderation, then
			// announced (arXiv does that); the datestamp is the truth.
			held++
		}
	})
	if checked < 500 {
		t.Fatalf("only %d new papers checked", checked)
	}
	// Held papers (and old years' holidays, which the table does not know)
	// come later; nearly all go out on the day the schedule gives.
	if held*100 > 3*checked {
		t.Errorf("%d of %d real new papers are listed later than the schedule gives", held, checked)
	}
	t.Logf("%d new papers, %d listed later than scheduled (held)", checked, held)
}

func TestSetOf(t *testing.T) {
	for in, want := range map[string]string{"cs.LG": "cs:cs:LG", "cs": "cs", "hep-th": "physics:hep-th",
		"astro-ph.GA": "physics:astro-ph:GA", "math.AG": "math:math:AG", "stat.ML": "stat:stat:ML", "quant-ph": "physics:quant-ph",
		"physics.optics": "physics:physics:optics"} {
		if got := SetOf(in); got != want {
			t.Errorf("SetOf(%s) = %s, want %s", in, got, want)
		}
	}
}

// Every category-like subject of the real oai_dc dumps maps to a code
// (names, not codes, are what oai_dc carries).
func TestSubjectCodesOnRealRecords(t *testing.T) {
	unknown := map[string]int{}
	mapped, records := 0, 0
	eachDCRecord(t, func(_ model.Date, meta dcRecord) {
		records++
		got := false
		for _, s := range meta.Subject {
			if SubjectCode(s) != "" {
				got = true
			} else if strings.Contains(s, " - ") && !strings.ContainsAny(s, "0123456789") {
				unknown[s]++
			}
		}
		if got {
			mapped++
		}
	})
	if len(unknown) > 0 {
		t.Errorf("category names without a code: %v", unknown)
	}
	if mapped*100 < 99*records {
		t.Errorf("%d of %d records have a category", mapped, records)
	}
	if SubjectCode("Computer Science - Machine Learning") != "cs.LG" || SubjectCode("high energy physics - theory") != "hep-th" {
		t.Error("the current names")
	}
}

// dcRecord is what these tests read of an oai_dc dump line.
type dcRecord struct {
	Date    []string `json:"date"`
	Subject []string `json:"subject"`
}

// eachDCRecord calls fn for every record of the real oai_dc daily dumps,
// with the day (the OAI datestamp) of its file.
func eachDCRecord(t *testing.T, fn func(day model.Date, rec dcRecord)) {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(testutil.SharedData(t, "arxiv-oai-dc-daily"), "*.jsonl"))
	for _, f := range files {
		day := model.MustDate(strings.TrimSuffix(filepath.Base(f), ".jsonl"))
		fh, err := os.Open(f)
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(fh)
		sc.Buffer(nil, 4<<20)
		for sc.Scan() {
			var line []json.RawMessage
			var rec dcRecord
			if json.Unmarshal(sc.Bytes(), &line) == nil && len(line) == 2 && json.Unmarshal(line[1], &rec) == nil {
				fn(day, rec)
			}
		}
		fh.Close()
	}
}

// A listing day's submission window holds exactly the times the schedule
// lists on that day.
func TestSubmissionWindow(t *testing.T) {
	for _, tc := range []struct{ day, from, to string }{
		{"2026-10-14", "2026-10-12 14:00", "2026-10-13 14:00"}, // Wednesday: Tuesday evening's announcement
		{"2026-10-19", "2026-10-15 14:00", "2026-10-16 14:00"}, // Monday: Sunday evening's, Thu–Fri submissions
		{"2026-10-20", "2026-10-16 14:00", "2026-10-19 14:00"}, // Tuesday: Monday evening's, the weekend's
		{"2026-01-21", "2026-01-16 14:00", "2026-01-20 14:00"}, // after the Monday holiday 2026-01-19
	} {
		from, to, ok := SubmissionWindow(model.MustDate(tc.day))
		if !ok || !from.Equal(et(tc.from)) || !to.Equal(et(tc.to)) {
			t.Errorf("%s: window %s – %s (%v), want %s – %s", tc.day, from, to, ok, tc.from, tc.to)
			continue
		}
		for _, at := range []time.Time{from, from.Add(time.Hour), to.Add(-time.Minute)} {
			if got := ListingDay(at); got != model.MustDate(tc.day) {
				t.Errorf("%s: submitted %s is listed %s", tc.day, at.In(Eastern), got)
			}
		}
	}
	if _, _, ok := SubmissionWindow(model.MustDate("2026-10-17")); ok {
		t.Error("Saturday has a window")
	}
}

func TestCanonicalCategory(t *testing.T) {
	for in, want := range map[string]string{"CS.lg": "cs.LG", "QUANT-PH": "quant-ph", "cond-mat.MES-HALL": "cond-mat.mes-hall", "cs": "cs", "Math": "math", "nope.XY": "nope.XY"} {
		if got := CanonicalCategory(in); got != want {
			t.Errorf("%q → %q, want %q", in, got, want)
		}
	}
}
