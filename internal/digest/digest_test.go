package digest_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/quire/quire/internal/core"
	"github.com/quire/quire/internal/digest"
	"github.com/quire/quire/internal/ingest"
	"github.com/quire/quire/internal/mail"
	"github.com/quire/quire/internal/model"
	"github.com/quire/quire/internal/search"
	"github.com/quire/quire/internal/store/sqlite/sqlitetest"
	"github.com/quire/quire/internal/store/sqlstore"
	"github.com/quire/quire/internal/testutil"
)

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

var site = digest.Site{Name: "quire", BaseURL: "https://papers.example.org", From: "quire <digest@papers.example.org>"}

// day is the daily list in the test data; digests sent the next morning cover it.
var sendDate = model.MustDate("2024-05-28")

func setup(t testing.TB, smtpURL string) (*sqlstore.DB, *digest.Sender) {
	t.Helper()
	db := sqlitetest.MustOpen(t)
	srcs, _ := ingest.HFPaths([]string{"../hf/testdata/2024-05-27.json"})
	if rep := ingest.HF(context.Background(), db, srcs, quiet); len(rep.Failed) > 0 {
		t.Fatal(rep.Failed)
	}
	var mailer mail.Mailer
	if smtpURL != "" {
		m, err := mail.NewSMTP(smtpURL, 0)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { m.Close() })
		mailer = m
	}
	ix := search.New(db)
	papers := &core.Papers{Store: db, Search: ix, Log: quiet, Now: time.Now}
	return db, &digest.Sender{Store: db, Papers: papers, Mailer: mailer, Signer: digest.NewSigner([]byte("0123456789abcdef0123456789abcdef")),
		Site: site, Log: quiet, Retries: 2, RetryDelay: 10 * time.Millisecond}
}

func subscribe(t testing.TB, db *sqlstore.DB, email, freq, user string) *model.Subscription {
	t.Helper()
	s, err := db.CreateSubscription(context.Background(), &model.Subscription{Email: email, Frequency: freq, User: user})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.SetSubscriptionStatus(context.Background(), s.ID, model.SubActive); err != nil {
		t.Fatal(err)
	}
	return s
}

func TestDigestGolden(t *testing.T) {
	db, s := setup(t, "")
	sub := subscribe(t, db, "ann@example.org", model.Daily, "")
	if err := db.CreateAccount(context.Background(), &model.Account{Name: "ann", Email: "ann@example.org", PasswordHash: "x",
		Role: "member", CreatedAt: time.Now()}); err != nil {
		t.Fatal(err)
	}
	sub.User = "ann"
	if _, err := db.CreateSavedSearch(context.Background(), "ann", "language models", "feed1"); err != nil {
		t.Fatal(err)
	}
	// Ann follows an author of the day: the digest has a section for it.
	lib := &core.Library{Store: db, Now: func() time.Time { return sendDate.Time().Add(20 * time.Hour) }}
	top, _ := db.FindPaperByID(context.Background(), "2405.15738")
	if err := lib.Follow(context.Background(), &model.Account{Name: "ann"}, model.FollowAuthor, top.Authors[0].Name); err != nil {
		t.Fatal(err)
	}
	s.Following = func(ctx context.Context, user string, days int) ([]*model.Paper, error) {
		fps, err := lib.Following(ctx, &model.Account{Name: user}, days)
		var ps []*model.Paper
		for _, fp := range fps {
			ps = append(ps, fp.Paper)
		}
		return ps, err
	}
	// And keeps one paper in her Reading list: the digest recommends others.
	if _, err := lib.Add(context.Background(), &model.Account{Name: "ann"}, model.ReadingListSlug, []string{"2405.15574"}, ""); err != nil {
		t.Fatal(err)
	}
	s.Recommend = func(ctx context.Context, user string, days int) ([]core.ForYouSection, error) {
		return lib.ForYou(ctx, &model.Account{Name: user}, days, 5)
	}
	d, err := s.Build(context.Background(), sub, sendDate, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Sections) != 3 || d.Sections[1].Interest != "Reading list" || len(d.Sections[1].Papers) == 0 {
		t.Fatalf("sections %+v", d.Sections)
	}
	if len(d.Papers) != 10 || len(d.Sections) != 3 || len(d.Sections[0].Papers) == 0 || !d.Sections[2].Following || d.Sections[2].Papers[0].ID != top.ID {
		t.Fatalf("digest: %d papers, sections %+v", len(d.Papers), d.Sections)
	}
	msg, err := digest.Compose(site, d, "TOKEN")
	if err != nil {
		t.Fatal(err)
	}
	if msg.MessageID != "<digest.daily.2024-05-27.1@papers.example.org>" ||
		msg.Headers["List-Unsubscribe"] != "<https://papers.example.org/unsubscribe?t=TOKEN>" ||
		msg.Headers["List-Unsubscribe-Post"] != "List-Unsubscribe=One-Click" {
		t.Errorf("headers: %q %v", msg.MessageID, msg.Headers)
	}
	testutil.Golden(t, "digest.html", []byte(msg.HTML))
	testutil.Golden(t, "digest.txt", []byte(msg.Text))
}

func TestSignerTokens(t *testing.T) {
	sg := digest.NewSigner([]byte("0123456789abcdef0123456789abcdef"))
	now := time.Now()
	tok := sg.Sign(digest.PurposeConfirm, 42, now.Add(time.Hour))
	if id, err := sg.Verify(digest.PurposeConfirm, tok, now); err != nil || id != 42 {
		t.Errorf("verify: %d %v", id, err)
	}
	if _, err := sg.Verify(digest.PurposeUnsubscribe, tok, now); err == nil {
		t.Error("a confirm token unsubscribed")
	}
	if _, err := sg.Verify(digest.PurposeConfirm, tok, now.Add(2*time.Hour)); err == nil || !strings.Contains(err.Error(), "expired") {
		t.Errorf("expired token: %v", err)
	}
	other := digest.NewSigner([]byte("another key, 32 bytes long......"))
	if _, err := other.Verify(digest.PurposeConfirm, tok, now); err == nil {
		t.Error("a token verified under another key")
	}
	// The last character has unused low bits: setting one spells the same
	// bytes differently, which must not verify.
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	alias := tok[:len(tok)-1] + string(alphabet[strings.IndexByte(alphabet, tok[len(tok)-1])+1])
	for _, bad := range []string{"", "x", "AAAA.BBBB", tok[:len(tok)-2] + "xx", alias} {
		if _, err := sg.Verify(digest.PurposeConfirm, bad, now); err == nil {
			t.Errorf("forged token %q accepted", bad)
		}
	}
	if strings.Contains(tok, "example") {
		t.Error("token reveals data")
	}
}

func TestSendThroughMailpit(t *testing.T) {
	mp := testutil.StartMailpit(t, "--smtp-allowed-recipients", `@ok\.example$`)
	db, s := setup(t, "smtp://"+mp.SMTP)
	for _, e := range []string{"a@ok.example", "b@ok.example", "c@ok.example"} {
		subscribe(t, db, e, model.Daily, "")
	}
	bad := subscribe(t, db, "x@bad.example", model.Daily, "")
	res, err := s.Run(context.Background(), model.Daily, sendDate)
	if err != nil {
		t.Fatal(err)
	}
	if res.Sent != 3 || res.Failed != 1 || res.Period != "daily:2024-05-27" {
		t.Fatalf("run = %+v", res)
	}
	total, msgs := mp.Messages(t, 10)
	if total != 3 {
		t.Fatalf("mailpit holds %d messages, want 3", total)
	}
	m := mp.Message(t, msgs[0].ID)
	h := mp.Headers(t, msgs[0].ID)
	if !strings.Contains(m.Text, "ConvLLaVA") || !strings.Contains(m.HTML, "ConvLLaVA") ||
		strings.Contains(h["List-Unsubscribe"][0], "mailto:") || !strings.Contains(h["List-Unsubscribe"][0], "https://papers.example.org/unsubscribe?t=") ||
		h["List-Unsubscribe-Post"][0] != "List-Unsubscribe=One-Click" || !strings.HasPrefix(h["Message-Id"][0], "<digest.daily.2024-05-27.") {
		t.Errorf("message: text %.80q, headers %v", m.Text, h)
	}
	// Running again sends nothing new.
	res, err = s.Run(context.Background(), model.Daily, sendDate)
	if err != nil || res.Sent != 0 || res.Skipped != 3 {
		t.Fatalf("second run = %+v %v", res, err)
	}
	if total, _ := mp.Messages(t, 10); total != 3 {
		t.Errorf("second run delivered again: %d", total)
	}
	// The failed digest is tried again by the next run; a second permanent
	// failure (MaxFailures 2 here) makes the address bouncing.
	s.MaxFailures = 2
	if res, _ := s.Run(context.Background(), model.Daily, sendDate); res.Failed != 1 || res.Skipped != 3 {
		t.Errorf("third run = %+v", res)
	}
	bouncing, _ := db.BouncingSubscriptions(context.Background())
	if len(bouncing) != 1 || bouncing[0].ID != bad.ID || !strings.Contains(bouncing[0].LastError, "550") {
		t.Errorf("bouncing = %+v", bouncing)
	}
}

func TestSMTPDownIsRetriedAndResumed(t *testing.T) {
	db, s := setup(t, "smtp://127.0.0.1:1") // nothing listens on port 1
	subscribe(t, db, "a@ok.example", model.Daily, "")
	res, err := s.Run(context.Background(), model.Daily, sendDate)
	if err != nil || res.Failed != 1 || res.Sent != 0 {
		t.Fatalf("run with SMTP down = %+v %v", res, err)
	}
	mp := testutil.StartMailpit(t)
	m, _ := mail.NewSMTP("smtp://"+mp.SMTP, 0)
	defer m.Close()
	s.Mailer = m
	res, err = s.Run(context.Background(), model.Daily, sendDate)
	if err != nil || res.Sent != 1 {
		t.Fatalf("run after SMTP came back = %+v %v", res, err)
	}
	if total, _ := mp.Messages(t, 10); total != 1 {
		t.Errorf("%d messages", total)
	}
}

// Defect 7: two senders for one period (two `quire digest send`, or two
// replicas) deliver every digest once between them, and a preview while
// they run shares none of their state (the race detector checks that).
func TestConcurrentSendersDeliverOnce(t *testing.T) {
	mp := testutil.StartMailpit(t)
	db, a := setup(t, "smtp://"+mp.SMTP)
	const n = 300
	for i := 0; i < n; i++ {
		subscribe(t, db, fmt.Sprintf("r%03d@example.org", i), model.Daily, "")
	}
	b := *a // a second sender with its own SMTP connection
	m, err := mail.NewSMTP("smtp://"+mp.SMTP, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	b.Mailer = m
	var wg sync.WaitGroup
	results := make([]*digest.RunResult, 2)
	for i, s := range []*digest.Sender{a, &b} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res, err := s.Run(context.Background(), model.Daily, sendDate)
			if err != nil {
				t.Error(err)
			}
			results[i] = res
		}()
	}
	sub, _ := db.FindSubscriptionByEmail(context.Background(), "r000@example.org")
	for i := 0; i < 5; i++ {
		if _, err := a.Preview(context.Background(), sub); err != nil {
			t.Error(err)
		}
	}
	wg.Wait()
	total, msgs := mp.Messages(t, 2*n)
	ids := map[string]bool{}
	for _, msg := range msgs {
		ids[msg.MessageID] = true
	}
	if total != n || len(ids) != n {
		t.Fatalf("mailpit holds %d messages (%d distinct) from two senders, want %d", total, len(ids), n)
	}
	if results[0] == nil || results[1] == nil || results[0].Sent+results[1].Sent != n {
		t.Errorf("runs: %+v %+v", results[0], results[1])
	}
}

// Defect 11: a 0-byte secret.key (left by a full disk) no longer blocks
// every start, a short one is a clear error, and racing first starts agree.
func TestSignerKeyFile(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "secret.key"), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	s1, err := digest.LoadSigner(dir)
	if err != nil {
		t.Fatalf("start over an empty key file: %v", err)
	}
	s2, err := digest.LoadSigner(dir)
	if err != nil {
		t.Fatal(err)
	}
	tok := s1.Sign(digest.PurposeConfirm, 7, time.Time{})
	if id, err := s2.Verify(digest.PurposeConfirm, tok, time.Now()); err != nil || id != 7 {
		t.Errorf("second start does not read the key the first wrote: %v", err)
	}
	short := t.TempDir()
	_ = os.WriteFile(filepath.Join(short, "secret.key"), []byte("short"), 0o600)
	if _, err := digest.LoadSigner(short); err == nil || !strings.Contains(err.Error(), "5 bytes") {
		t.Errorf("short key: %v", err)
	}
	race := t.TempDir()
	signers := make([]*digest.Signer, 8)
	var wg sync.WaitGroup
	for i := range signers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s, err := digest.LoadSigner(race)
			if err != nil {
				t.Error(err)
			}
			signers[i] = s
		}()
	}
	wg.Wait()
	tok = signers[0].Sign(digest.PurposeConfirm, 9, time.Time{})
	for _, s := range signers {
		if s == nil {
			continue
		}
		if _, err := s.Verify(digest.PurposeConfirm, tok, time.Now()); err != nil {
			t.Error("racing first starts ended with different keys")
		}
	}
	if entries, _ := os.ReadDir(race); len(entries) != 1 {
		t.Errorf("%d files left in the data directory, want secret.key only", len(entries))
	}
}
