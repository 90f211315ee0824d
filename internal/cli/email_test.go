package cli_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os/exec"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/quire/quire/internal/cli"
	"github.com/quire/quire/internal/config"
	"github.com/quire/quire/internal/model"
	"github.com/quire/quire/internal/store/sqlite"
	"github.com/quire/quire/internal/store/sqlstore"
	"github.com/quire/quire/internal/testutil"
)

// activeSubscribers adds n confirmed daily subscribers, r0000@example.org …
func activeSubscribers(t *testing.T, db *sqlstore.DB, n int) {
	t.Helper()
	for i := range n {
		s, err := db.CreateSubscription(context.Background(), &model.Subscription{Email: fmt.Sprintf("r%04d@example.org", i), Frequency: model.Daily})
		if err == nil {
			err = db.SetSubscriptionStatus(context.Background(), s.ID, model.SubActive)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
}

// killAfterMail SIGKILLs a running sender once the server holds n
// messages, failing if it had finished by then.
func killAfterMail(t *testing.T, mp *testutil.Mailpit, cmd *exec.Cmd, n int) {
	t.Helper()
	waitMail(t, mp, n)
	_ = cmd.Process.Signal(syscall.SIGKILL)
	_ = cmd.Wait()
	if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() {
		t.Fatal("the sender finished before the kill")
	}
}

func waitMail(t *testing.T, mp *testutil.Mailpit, n int) []testutil.MailpitSummary {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		total, msgs := mp.Messages(t, 5000)
		if total >= n {
			return msgs
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d messages at the server, want %d", total, n)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestEmailFlow: subscribe → confirmation mail → follow the link → send the
// digest → it has both parts, the day's papers and working unsubscribe
// headers → one-click unsubscribe → nothing the next period.
func TestEmailFlow(t *testing.T) {
	mp := testutil.StartMailpit(t)
	cfg := config.Default()
	cfg.Addr, cfg.DataDir, cfg.Demo = testutil.FreeAddr(t), t.TempDir(), true
	cfg.SMTPURL, cfg.MailRate, cfg.BaseURL = "smtp://"+mp.SMTP, 0, "http://"+cfg.Addr
	m := cli.NewMain(cfg, quiet)
	if err := m.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer m.Close()

	res, err := http.PostForm(m.URL()+"/subscribe", url.Values{"email": {"not-an-address"}, "frequency": {"daily"}})
	if err != nil || res.StatusCode != 400 {
		t.Fatalf("bad address: %v %v", res.StatusCode, err)
	}
	res, _ = http.PostForm(m.URL()+"/subscribe", url.Values{"email": {"ann@example.org"}, "frequency": {"daily"}})
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 || !strings.Contains(string(body), "Check your inbox") {
		t.Fatalf("subscribe: %d %s", res.StatusCode, body)
	}
	msgs := waitMail(t, mp, 1)
	confirm := mp.Message(t, msgs[0].ID)
	link := regexp.MustCompile(`http://\S+/subscribe/confirm\?t=\S+`).FindString(confirm.Text)
	if link == "" {
		t.Fatalf("no confirmation link in %q", confirm.Text)
	}
	if code, body := get(t, link); code != 200 || !strings.Contains(body, "You are subscribed") {
		t.Fatalf("confirm: %d", code)
	}
	if code, _ := get(t, link[:len(link)-3]+"xyz"); code != 400 {
		t.Errorf("tampered link: %d", code)
	}

	// The demo's latest list is 2026-08-07; its digest goes out the next morning.
	send := func(date string) string {
		code, out, errOut := run(t, "digest", "send", "--data", cfg.DataDir, "--smtp-url", "smtp://"+mp.SMTP,
			"--mail-rate", "0", "--base-url", m.URL(), "--period", "daily", "--date", date)
		if code != 0 {
			t.Fatalf("digest send: %d %s %s", code, out, errOut)
		}
		return out
	}
	if out := send("2026-08-08"); !strings.Contains(out, "daily:2026-08-07: 1 sent") {
		t.Errorf("send: %s", out)
	}
	msgs = waitMail(t, mp, 2)
	digestID := msgs[0].ID
	d := mp.Message(t, digestID)
	h := mp.Headers(t, digestID)
	if !strings.Contains(d.Text, "AgentOPSD") || !strings.Contains(d.HTML, "AgentOPSD") || !strings.Contains(d.HTML, `style="`) {
		t.Errorf("digest lacks the day's top paper or inline CSS")
	}
	unsub := regexp.MustCompile(`<(http[^>]+)>`).FindStringSubmatch(h["List-Unsubscribe"][0])
	if len(unsub) != 2 || h["List-Unsubscribe-Post"][0] != "List-Unsubscribe=One-Click" || strings.Contains(h["List-Unsubscribe"][0], "mailto:") {
		t.Fatalf("unsubscribe headers: %v", h)
	}
	// RFC 8058: the mail client POSTs "List-Unsubscribe=One-Click", no login, no cookie.
	res, err = http.Post(unsub[1], "application/x-www-form-urlencoded", strings.NewReader("List-Unsubscribe=One-Click"))
	if err != nil || res.StatusCode != 200 {
		t.Fatalf("one-click: %v %v", res.StatusCode, err)
	}
	res.Body.Close()
	if out := send("2026-08-07"); !strings.Contains(out, "0 sent") {
		t.Errorf("after unsubscribing: %s", out)
	}
	if total, _ := mp.Messages(t, 10); total != 2 {
		t.Errorf("%d messages after unsubscribing, want 2", total)
	}
	// The link still works, with a friendly page, after the subscription is gone.
	if code, body := get(t, unsub[1]); code != 200 || !strings.Contains(body, "Unsubscribe") {
		t.Errorf("unsubscribe page: %d", code)
	}
}

// TestKillDigestRun SIGKILLs `quire digest send` in the middle of 1,000
// digests and runs it again: the server ends with each digest exactly once.
func TestKillDigestRun(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	mp := testutil.StartMailpit(t)
	bin := buildQuire(t)
	data := t.TempDir()
	if out, err := exec.Command(bin, "ingest", "hf", "--data", data, "../hf/testdata/2024-05-27.json").CombinedOutput(); err != nil {
		t.Fatalf("ingest: %v %s", err, out)
	}
	db, err := sqlite.Open(data + "/quire.db")
	if err != nil {
		t.Fatal(err)
	}
	const n = 1000
	activeSubscribers(t, db, n)
	db.Close()
	args := []string{"digest", "send", "--data", data, "--smtp-url", "smtp://" + mp.SMTP, "--mail-rate", "0", "--base-url", "https://papers.example.org", "--lease", "2s",
		"--period", "daily", "--date", "2024-05-28", "--log-level", "warn"}
	first := exec.Command(bin, args...)
	if err := first.Start(); err != nil {
		t.Fatal(err)
	}
	killAfterMail(t, mp, first, 150)
	before, _ := mp.Messages(t, 1)
	out, err := exec.Command(bin, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("rerun: %v %s", err, out)
	}
	total, msgs := mp.Messages(t, 2*n)
	ids := map[string]bool{}
	for _, msg := range msgs {
		ids[msg.MessageID] = true
	}
	if total != n || len(ids) != n {
		t.Fatalf("%d messages (%d distinct) at the server after kill at %d and rerun, want %d: %s", total, len(ids), before, n, out)
	}
	if !strings.Contains(string(out), fmt.Sprintf("%d already sent", before)) {
		t.Logf("rerun: %s (killed after %d)", out, before)
	}
}
