package cli_test

import (
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/quire/quire/internal/cli"
	"github.com/quire/quire/internal/config"
	"github.com/quire/quire/internal/core"
	"github.com/quire/quire/internal/model"
)

// TestSubmitFetchesFromArxiv submits a paper the instance does not have:
// the server fetches it through the query API (a local server replaying a
// real Atom answer) and puts it on today's list.
func TestSubmitFetchesFromArxiv(t *testing.T) {
	atom, _ := os.ReadFile("../arxiv/testdata/atom/query-deep-dream-start0-max10.atom.xml")
	var asked string
	arxivSrv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		asked = r.URL.Query().Get("id_list")
		w.Write(atom)
	}))
	defer arxivSrv.Close()
	cfg := config.Default()
	cfg.Addr, cfg.DataDir, cfg.QueryEndpoint, cfg.ArxivInterval = "127.0.0.1:0", t.TempDir(), arxivSrv.URL, 0
	cfg.SubmitWindow = 100 * 365 * 24 * time.Hour // the capture is from 2016
	m := cli.NewMain(cfg, quiet)
	if err := m.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	accounts := &core.Accounts{Store: m.DB, Now: time.Now}
	if _, err := accounts.Signup(context.Background(), "ann", "ann@example.org", "password-ann", ""); err != nil {
		t.Fatal(err)
	}
	tok, _ := accounts.CreateToken(context.Background(), "ann", "t")
	req, _ := http.NewRequest("POST", m.URL()+"/api/papers/submit", strings.NewReader(`{"paper_id":"1611.09520"}`))
	req.Header.Set("Authorization", "Bearer "+tok)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 201 || asked != "1611.09520" || !strings.Contains(string(body), "Hierarchical Neural Representation of Dreamed Objects") {
		t.Fatalf("submit: %d asked %q\n%s", res.StatusCode, asked, body)
	}
}

// TestClaimAuthorship: a member claims an author entry with the form, a
// moderator approves it, and the paper shows on the member's profile.
func TestClaimAuthorship(t *testing.T) {
	m := startMain(t, true)
	ctx := context.Background()
	accounts := &core.Accounts{Store: m.DB, Now: time.Now}
	for name, role := range map[string]string{"ann": "", "mo": model.RoleModerator} {
		if _, err := accounts.Signup(ctx, name, name+"@example.org", "password-"+name, role); err != nil {
			t.Fatal(err)
		}
	}
	browser := func(name string) *http.Client {
		jar, _ := cookiejar.New(nil)
		c := &http.Client{Jar: jar}
		res, err := c.PostForm(m.URL()+"/login", url.Values{"username": {name}, "password": {"password-" + name}})
		if err != nil || res.StatusCode != 200 {
			t.Fatalf("login %s: %v %v", name, res.StatusCode, err)
		}
		res.Body.Close()
		return c
	}
	ann, mo := browser("ann"), browser("mo")
	const id = "2608.05987" // 13 authors in the demo corpus
	res, err := ann.PostForm(m.URL()+"/papers/"+id+"/claim", url.Values{"position": {"2"}})
	if err != nil || res.StatusCode != 200 {
		t.Fatalf("claim: %v %v", res.StatusCode, err)
	}
	res.Body.Close()
	claims, _ := m.DB.FindClaims(ctx, model.ClaimPending)
	if len(claims) != 1 || claims[0].User != "ann" || claims[0].Position != 2 {
		t.Fatalf("claims = %+v", claims)
	}
	if res, _ := ann.PostForm(m.URL()+"/moderation/claims/"+itoa(claims[0].ID), url.Values{"approve": {"1"}}); res.StatusCode != 403 {
		t.Errorf("a member approved a claim: %d", res.StatusCode)
	}
	res, _ = mo.PostForm(m.URL()+"/moderation/claims/"+itoa(claims[0].ID), url.Values{"approve": {"1"}})
	res.Body.Close()
	_, body := get(t, m.URL()+"/u/ann")
	if !strings.Contains(body, "/papers/"+id) {
		t.Error("the approved paper is not on the profile")
	}
	p, _ := m.DB.FindPaperByID(ctx, id)
	if p.Authors[2].User == nil || p.Authors[2].User.Name != "ann" {
		t.Errorf("author 3 = %+v", p.Authors[2])
	}
	// A claimed author's comment marks the author as participating.
	res, _ = ann.PostForm(m.URL()+"/papers/"+id+"/comments", url.Values{"body": {"Author here, happy to answer."}})
	res.Body.Close()
	p, _ = m.DB.FindPaperByID(ctx, id)
	if !p.Daily.IsAuthorParticipating {
		t.Error("isAuthorParticipating not set by a claimed author's comment")
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
