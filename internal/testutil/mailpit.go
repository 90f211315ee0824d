package testutil

import (
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// Mailpit is a real SMTP server (axllent/mailpit) run for one test, with
// its HTTP API to read what was delivered.
type Mailpit struct {
	SMTP string // host:port
	API  string // http://host:port
	cmd  *exec.Cmd
}

// MailpitBinary finds the mailpit executable (PATH, then GOPATH/bin).
func MailpitBinary() string {
	if p, err := exec.LookPath("mailpit"); err == nil {
		return p
	}
	out, err := exec.Command("go", "env", "GOPATH").Output()
	if err == nil {
		p := filepath.Join(string(trimNL(out)), "bin", "mailpit")
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	return ""
}

func trimNL(b []byte) []byte {
	for len(b) > 0 && (b[len(b)-1] == '\n' || b[len(b)-1] == '\r') {
		b = b[:len(b)-1]
	}
	return b
}

func freePort(t testing.TB) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// StartMailpit starts mailpit on free loopback ports, with extra flags
// (for instance --smtp-allowed-recipients), and stops it at cleanup.
func StartMailpit(t testing.TB, extra ...string) *Mailpit {
	t.Helper()
	bin := MailpitBinary()
	if bin == "" {
		Require(t, "mailpit (go install github.com/axllent/mailpit@v1.33.1)")
	}
	m := &Mailpit{SMTP: freePort(t), API: ""}
	web := freePort(t)
	m.API = "http://" + web
	args := append([]string{"--smtp", m.SMTP, "--listen", web, "--database", filepath.Join(t.TempDir(), "mailpit.db"),
		"--max", "50000", "--disable-version-check", "--quiet", "--smtp-auth-accept-any", "--smtp-auth-allow-insecure"}, extra...)
	m.cmd = exec.Command(bin, args...)
	m.cmd.Stdout, m.cmd.Stderr = os.Stderr, os.Stderr
	if err := m.cmd.Start(); err != nil {
		t.Fatalf("start mailpit: %v", err)
	}
	t.Cleanup(func() { _ = m.cmd.Process.Kill(); _ = m.cmd.Wait() })
	deadline := time.Now().Add(20 * time.Second)
	for {
		if res, err := http.Get(m.API + "/api/v1/messages"); err == nil {
			res.Body.Close()
			if c, err := net.Dial("tcp", m.SMTP); err == nil {
				c.Close()
				return m
			}
		}
		if time.Now().After(deadline) {
			t.Fatal("mailpit did not start")
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// MailpitSummary is one message in the list.
type MailpitSummary struct {
	ID        string
	MessageID string
	Subject   string
	To        []struct{ Address string }
}

// Messages lists up to limit delivered messages, newest first.
func (m *Mailpit) Messages(t testing.TB, limit int) (int, []MailpitSummary) {
	t.Helper()
	var out struct {
		Total    int
		Messages []MailpitSummary
	}
	m.get(t, fmt.Sprintf("/api/v1/messages?limit=%d", limit), &out)
	return out.Total, out.Messages
}

// MailpitMessage is a delivered message's content.
type MailpitMessage struct {
	Subject string
	Text    string
	HTML    string
}

// Message returns a message's parts.
func (m *Mailpit) Message(t testing.TB, id string) MailpitMessage {
	t.Helper()
	var out MailpitMessage
	m.get(t, "/api/v1/message/"+id, &out)
	return out
}

// Headers returns a message's headers.
func (m *Mailpit) Headers(t testing.TB, id string) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	m.get(t, "/api/v1/message/"+id+"/headers", &out)
	return out
}

func (m *Mailpit) get(t testing.TB, path string, v any) {
	t.Helper()
	res, err := http.Get(m.API + path)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if err := json.NewDecoder(res.Body).Decode(v); err != nil {
		t.Fatalf("mailpit %s: %v", path, err)
	}
}

// Raw returns a message as the server received it, headers and all.
func (m *Mailpit) Raw(t testing.TB, id string) []byte {
	t.Helper()
	res, err := http.Get(m.API + "/api/v1/message/" + id + "/raw")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil || res.StatusCode != 200 {
		t.Fatalf("mailpit raw %s: %d %v", id, res.StatusCode, err)
	}
	return b
}

// HTMLWarning is one finding of mailpit's HTML check (its data is
// caniemail.com's): a feature the message uses and the clients that do not
// support it fully.
type HTMLWarning struct {
	Slug, Title, Category string
	NumMatches            int
	Results               []struct {
		Family, Platform, Version, Support string
	}
}

// HTMLCheck runs mailpit's HTML compatibility check on a message.
func (m *Mailpit) HTMLCheck(t testing.TB, id string) []HTMLWarning {
	t.Helper()
	var out struct{ Warnings []HTMLWarning }
	m.get(t, "/api/v1/message/"+id+"/html-check", &out)
	return out.Warnings
}
