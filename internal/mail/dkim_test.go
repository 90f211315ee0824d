package mail_test

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/emersion/go-msgauth/dkim"

	"github.com/quire/quire/internal/mail"
)

func TestLoadDKIMErrors(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	for path, want := range map[string]string{
		filepath.Join(dir, "missing.pem"): "no such file",
		write("text.pem", "not a key"):    "holds no PEM block",
		write("cert.pem", "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"): `holds a "CERTIFICATE"`,
		write("bad.pem", "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"):  "bad.pem",
	} {
		if _, err := mail.LoadDKIM(path, "s", "example.org"); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want an error with %q", filepath.Base(path), err, want)
		}
	}
}

// TestDKIMEd25519 signs with an Ed25519 key (RFC 8463) and verifies.
func TestDKIMEd25519(t *testing.T) {
	pub, priv, _ := ed25519.GenerateKey(rand.Reader)
	der, _ := x509.MarshalPKCS8PrivateKey(priv)
	path := filepath.Join(t.TempDir(), "k.pem")
	if err := os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	d, err := mail.LoadDKIM(path, "ed", "example.org")
	if err != nil {
		t.Fatal(err)
	}
	msg, err := mail.Build(&mail.Message{From: "q <d@example.org>", To: "r@example.net", Subject: "Hi", Text: "Body\n"})
	if err != nil {
		t.Fatal(err)
	}
	signed, err := d.Sign(msg)
	if err != nil {
		t.Fatal(err)
	}
	vs, err := dkim.VerifyWithOptions(bytes.NewReader(signed), &dkim.VerifyOptions{LookupTXT: func(string) ([]string, error) {
		return []string{"v=DKIM1; k=ed25519; p=" + base64.StdEncoding.EncodeToString(pub)}, nil
	}})
	if err != nil || len(vs) != 1 || vs[0].Err != nil {
		t.Fatalf("%v %+v", err, vs)
	}
}
