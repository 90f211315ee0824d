package cli_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/emersion/go-msgauth/dkim"

	"github.com/quire/quire/internal/cli"
	"github.com/quire/quire/internal/config"
	"github.com/quire/quire/internal/store/sqlite"
	"github.com/quire/quire/internal/testutil"
)

// TestDigestMailLands sends the demo's daily digest through mailpit with a
// DKIM key configured and checks what a receiving server and the major
// clients will make of it: the signature verifies against the published
// key (and fails once a signed header is changed), and mailpit's HTML check
// finds nothing Gmail, Apple Mail or Outlook does not support.
func TestDigestMailLands(t *testing.T) {
	mp := testutil.StartMailpit(t)
	cfg := config.Default()
	cfg.Addr, cfg.DataDir, cfg.Demo = testutil.FreeAddr(t), t.TempDir(), true
	m := cli.NewMain(cfg, quiet)
	if err := m.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	m.Close()
	db, err := sqlite.Open(filepath.Join(cfg.DataDir, "quire.db"))
	if err != nil {
		t.Fatal(err)
	}
	activeSubscribers(t, db, 1)
	db.Close()

	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	keyFile := filepath.Join(t.TempDir(), "dkim.pem")
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)}), 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := run(t, "digest", "send", "--data", cfg.DataDir, "--smtp-url", "smtp://"+mp.SMTP, "--mail-rate", "0",
		"--base-url", "https://papers.example.org", "--mail-from", "quire <digest@papers.example.org>",
		"--dkim-key-file", keyFile, "--dkim-selector", "q2026", "--period", "daily", "--date", "2026-08-08")
	if code != 0 || !strings.Contains(out, "1 sent") {
		t.Fatalf("digest send: %d %s %s", code, out, errOut)
	}
	msgs := waitMail(t, mp, 1)
	raw := mp.Raw(t, msgs[0].ID)

	pub, err := x509.MarshalPKIXPublicKey(&key.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	dns := map[string][]string{"q2026._domainkey.papers.example.org": {"v=DKIM1; k=rsa; p=" + base64.StdEncoding.EncodeToString(pub)}}
	verify := func(msg []byte) []*dkim.Verification {
		vs, err := dkim.VerifyWithOptions(bytes.NewReader(msg), &dkim.VerifyOptions{LookupTXT: func(d string) ([]string, error) {
			return dns[d], nil
		}})
		if err != nil {
			t.Fatal(err)
		}
		return vs
	}
	vs := verify(raw)
	if len(vs) != 1 || vs[0].Err != nil || vs[0].Domain != "papers.example.org" {
		t.Fatalf("DKIM: %+v", vs)
	}
	for _, h := range []string{"from", "subject", "list-unsubscribe", "list-unsubscribe-post"} {
		if !containsFold(vs[0].HeaderKeys, h) {
			t.Errorf("the signature does not cover %s: %v", h, vs[0].HeaderKeys)
		}
	}
	forged := bytes.Replace(raw, []byte("Subject: "), []byte("Subject: Re: "), 1)
	if vs := verify(forged); len(vs) != 1 || vs[0].Err == nil {
		t.Errorf("a changed subject still verifies")
	}

	// "partial" is what every client gives padding or line-height somewhere
	// (Outlook on Windows renders with Word); "no" is what the check calls
	// unsupported.
	html := mp.Message(t, msgs[0].ID).HTML
	for _, w := range mp.HTMLCheck(t, msgs[0].ID) {
		// Outlook's apps drop the <body> element, so nothing may hang on
		// it; mailpit reports any </body> (its check is a regexp).
		if w.Slug == "html-body" && strings.Contains(html, "<body>") {
			continue
		}
		for _, r := range w.Results {
			if r.Support == "no" && (r.Family == "gmail" || r.Family == "apple-mail" || r.Family == "outlook") {
				t.Errorf("HTML check: %s (%s, %d uses): %s %s %s: %s", w.Title, w.Slug, w.NumMatches, r.Family, r.Platform, r.Version, r.Support)
			}
		}
	}
	text := mp.Message(t, msgs[0].ID).Text
	if !strings.Contains(text, "AgentOPSD") || strings.Contains(text, "<") && strings.Contains(text, "</") {
		t.Errorf("the text part: %.400s", text)
	}
}

func containsFold(list []string, s string) bool {
	for _, v := range list {
		if strings.EqualFold(v, s) {
			return true
		}
	}
	return false
}
