package config

import (
	"errors"
	"flag"
	"io"
	"os"
	"strings"
	"testing"
	"time"
)

func parse(t *testing.T, env map[string]string, files map[string]string, args ...string) (Config, *flag.FlagSet, error) {
	t.Helper()
	c := Default()
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	c.BindFlags(fs)
	c.BindServeFlags(fs)
	read := func(p string) ([]byte, error) {
		if v, ok := files[p]; ok {
			return []byte(v), nil
		}
		return nil, os.ErrNotExist
	}
	if err := ApplyEnv(fs, func(k string) string { return env[k] }, read); err != nil {
		return c, fs, err
	}
	if err := fs.Parse(args); err != nil {
		return c, fs, err
	}
	return c, fs, c.Validate()
}

// Defect 12: an invalid QUIRE_* value is an error naming it, never a
// silent default.
func TestInvalidEnvironmentIsAnError(t *testing.T) {
	for name, val := range map[string]string{
		"QUIRE_SUBMIT_CAP": "five", "QUIRE_DEMO": "yes please", "QUIRE_ARXIV_INTERVAL": "3", "QUIRE_MAIL_RATE": "fast",
		"QUIRE_CACHE_MB": "-1", "QUIRE_TRUSTED_PROXIES": "10.0.0.0/33", "QUIRE_LOG_FORMAT": "xml",
	} {
		_, _, err := parse(t, map[string]string{name: val}, nil)
		if err == nil || (!strings.Contains(err.Error(), name) && !strings.Contains(err.Error(), "--")) {
			t.Errorf("%s=%q: %v, want an error naming it", name, val, err)
		}
	}
	c, _, err := parse(t, map[string]string{"QUIRE_SUBMIT_CAP": "7", "QUIRE_ARXIV_INTERVAL": "5s", "QUIRE_ARXIV_SETS": "cs:cs:LG, cs:cs:CL"}, nil)
	if err != nil || c.SubmitCap != 7 || c.ArxivInterval != 5*time.Second || len(c.ArxivSets) != 2 {
		t.Errorf("valid environment: %+v %v", c, err)
	}
	// A flag wins over its variable.
	c, _, _ = parse(t, map[string]string{"QUIRE_SUBMIT_CAP": "7"}, nil, "--submit-cap", "3")
	if c.SubmitCap != 3 {
		t.Errorf("flag over environment: %d", c.SubmitCap)
	}
}

func TestSecretsFromFilesAndMasked(t *testing.T) {
	token := strings.Repeat("t", 40)
	c, fs, err := parse(t, map[string]string{"QUIRE_ADMIN_TOKEN_FILE": "/run/secrets/admin", "QUIRE_SMTP_URL": "smtp://u:pw@mail:25",
		"QUIRE_BASE_URL": "https://papers.example.org"}, map[string]string{"/run/secrets/admin": token + "\n"})
	if err != nil || c.AdminToken != token {
		t.Fatalf("admin token from a file: %q %v", c.AdminToken, err)
	}
	out := strings.Join(Effective(fs), "\n")
	if strings.Contains(out, token) || strings.Contains(out, "pw@") || !strings.Contains(out, "admin-token=****") ||
		!strings.Contains(out, "submit-cap=5") {
		t.Errorf("quire config output:\n%s", out)
	}
	if _, _, err := parse(t, map[string]string{"QUIRE_ADMIN_TOKEN_FILE": "/missing"}, nil); err == nil || !errors.Is(err, err) ||
		!strings.Contains(err.Error(), "QUIRE_ADMIN_TOKEN_FILE") {
		t.Errorf("missing secret file: %v", err)
	}
	if _, _, err := parse(t, map[string]string{"QUIRE_ADMIN_TOKEN": "short"}, nil); err == nil || !strings.Contains(err.Error(), "32") {
		t.Errorf("short admin token: %v", err)
	}
	if _, _, err := parse(t, map[string]string{"QUIRE_SMTP_URL": "smtp://mail:25"}, nil); err == nil || !strings.Contains(err.Error(), "--base-url") {
		t.Errorf("SMTP without a base URL: %v", err)
	}
}
