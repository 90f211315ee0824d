package ingest_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/quire/quire/internal/arxiv"
	"github.com/quire/quire/internal/ingest"
)

// dayPages builds a day of OAI-PMH answers (2,000 arXivRaw records in pages
// of 500 with resumption tokens) by repeating the real records of the
// captured ListRecords page under new ids.
func dayPages(tb testing.TB) [][]byte {
	body, err := os.ReadFile(oaiData + "ListRecordsResponse.xml")
	if err != nil {
		tb.Fatal(err)
	}
	s := string(body)
	recs := regexp.MustCompile(`(?s)<record>.*?</record>`).FindAllString(s, -1)
	head := s[:strings.Index(s, "<record>")]
	var pages [][]byte
	n := 0
	for p := 0; p < 4; p++ {
		var b strings.Builder
		b.WriteString(head)
		for i := 0; i < 500; i++ {
			rec := recs[n%len(recs)]
			id := fmt.Sprintf("2611.%05d", n+1)
			rec = regexp.MustCompile(`<id>[^<]*</id>`).ReplaceAllString(rec, "<id>"+id+"</id>")
			rec = regexp.MustCompile(`oai:arXiv.org:[^<]*`).ReplaceAllString(rec, "oai:arXiv.org:"+id)
			b.WriteString(rec)
			n++
		}
		if p < 3 {
			fmt.Fprintf(&b, `<resumptionToken cursor="%d" completeListSize="2000">tok%d</resumptionToken>`, p*500, p+1)
		}
		b.WriteString("</ListRecords>\n</OAI-PMH>\n")
		pages = append(pages, []byte(b.String()))
	}
	return pages
}

// BenchmarkHarvestDay harvests a day of 2,000 records from a local server
// (no 3 s spacing) into a fresh store.
func BenchmarkHarvestDay(b *testing.B) {
	pages := dayPages(b)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		i := 0
		if tok := r.URL.Query().Get("resumptionToken"); tok != "" {
			fmt.Sscanf(tok, "tok%d", &i)
		}
		w.Write(pages[i])
	}))
	defer srv.Close()
	for b.Loop() {
		b.StopTimer()
		c, _ := recordingClient()
		c.Interval = 0
		h := &ingest.Harvester{Client: c, Store: newStoreTB(b), Endpoint: srv.URL, Format: arxiv.FormatArxivRaw,
			LockDir: b.TempDir(), Log: quiet}
		b.StartTimer()
		res, err := h.Harvest(context.Background(), "cs", "2026-11-01")
		if err != nil || res.Papers != 2000 || res.Pages != 4 {
			b.Fatalf("%+v %v", res, err)
		}
	}
}
