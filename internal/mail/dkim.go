package mail

import (
	"bytes"
	"crypto"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"os"
	"strings"

	"github.com/emersion/go-msgauth/dkim"
)

// DKIM signs outgoing messages for a domain (RFC 6376), so that receivers
// that check DKIM (Gmail, Outlook, every DMARC policy) can tell a digest
// from a forgery: the public key is published at
// {Selector}._domainkey.{Domain} in DNS.
type DKIM struct {
	Domain, Selector string
	Signer           crypto.Signer
}

// signedHeaders are the fields a signature covers: what a reader sees and
// what a forger would change, plus List-Unsubscribe and its -Post, which
// RFC 8058 requires the signature to cover for one-click unsubscribing.
// Absent fields are skipped by the signer's count.
var signedHeaders = []string{"From", "To", "Subject", "Date", "Message-ID", "MIME-Version", "Content-Type",
	"List-Unsubscribe", "List-Unsubscribe-Post", "List-Id"}

// LoadDKIM reads a PEM private key (RSA as PKCS #1 or PKCS #8, or Ed25519
// as PKCS #8: `openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048`).
func LoadDKIM(path, selector, domain string) (*DKIM, error) {
	if selector == "" || domain == "" {
		return nil, fmt.Errorf("dkim: a key needs a selector and a domain")
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("dkim: %w", err)
	}
	block, _ := pem.Decode(b)
	if block == nil {
		return nil, fmt.Errorf("dkim: %s holds no PEM block", path)
	}
	var key any
	switch block.Type {
	case "RSA PRIVATE KEY":
		key, err = x509.ParsePKCS1PrivateKey(block.Bytes)
	case "PRIVATE KEY":
		key, err = x509.ParsePKCS8PrivateKey(block.Bytes)
	default:
		return nil, fmt.Errorf("dkim: %s holds a %q, want a private key", path, block.Type)
	}
	if err != nil {
		return nil, fmt.Errorf("dkim: %s: %w", path, err)
	}
	signer, ok := key.(crypto.Signer)
	if !ok {
		return nil, fmt.Errorf("dkim: %s: unsupported key type %T", path, key)
	}
	return &DKIM{Domain: domain, Selector: selector, Signer: signer}, nil
}

// Sign returns msg with a DKIM-Signature header first, relaxed
// canonicalization for header and body (mail servers rewrap headers and
// trailing spaces).
func (d *DKIM) Sign(msg []byte) ([]byte, error) {
	var out bytes.Buffer
	err := dkim.Sign(&out, bytes.NewReader(msg), &dkim.SignOptions{Domain: d.Domain, Selector: d.Selector, Signer: d.Signer,
		HeaderCanonicalization: dkim.CanonicalizationRelaxed, BodyCanonicalization: dkim.CanonicalizationRelaxed,
		HeaderKeys: signedHeaders})
	if err != nil {
		return nil, fmt.Errorf("dkim: sign: %w", err)
	}
	return out.Bytes(), nil
}

// Domain is the domain of an address ("quire <digest@example.org>" →
// example.org), the default signing domain.
func Domain(addr string) (string, error) {
	a, err := address(addr)
	if err != nil {
		return "", err
	}
	_, d, ok := strings.Cut(a, "@")
	if !ok || d == "" {
		return "", fmt.Errorf("address %q has no domain", addr)
	}
	return d, nil
}
