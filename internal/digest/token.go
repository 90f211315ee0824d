// Package digest builds and sends the "trending papers in your inbox"
// e-mails: double opt-in tokens, the digest of a period (HTML and text),
// and the resumable, idempotent send run.
package digest

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/quire/quire/internal/model"
)

// Token purposes: a token made for one cannot be used for another.
const (
	PurposeConfirm     = "confirm"
	PurposeUnsubscribe = "unsubscribe"
)

// Signer makes and checks signed tokens. A token names a subscription by
// id (never by e-mail address), a purpose and an expiry, signed with the
// instance's secret key: unguessable, single-purpose, revealing nothing.
type Signer struct{ key []byte }

// LoadSigner reads the instance key from dir, creating it on first use.
func LoadSigner(dir string) (*Signer, error) {
	path := filepath.Join(dir, "secret.key")
	key, err := os.ReadFile(path)
	// An empty file never held a key (nothing was signed with it): it is
	// what a crash or a full disk left behind before writes were atomic.
	if errors.Is(err, os.ErrNotExist) || (err == nil && len(key) == 0) {
		if key, err = createKey(dir, path); err != nil {
			return nil, err
		}
	} else if err != nil {
		return nil, fmt.Errorf("digest: read key %s: %w", path, err)
	}
	if len(key) < 32 {
		return nil, fmt.Errorf("digest: key %s has %d bytes, want 32 or more (delete it to make a new one; links already mailed stop working)", path, len(key))
	}
	return &Signer{key: key}, nil
}

// createKey writes a new random key so that path either does not exist or
// holds a whole key: written and synced under a temporary name, then
// linked into place, which fails when another process got there first (its
// key is then the one).
func createKey(dir, path string) ([]byte, error) {
	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	tmp, err := os.CreateTemp(dir, ".secret.key-*")
	if err != nil {
		return nil, fmt.Errorf("digest: write key: %w", err)
	}
	defer os.Remove(tmp.Name())
	_, err = tmp.Write(key) // CreateTemp made it 0600
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, fmt.Errorf("digest: write key %s: %w", tmp.Name(), err)
	}
	if fi, err := os.Stat(path); err == nil && fi.Size() == 0 {
		_ = os.Remove(path) // the empty leftover
	}
	if err := os.Link(tmp.Name(), path); err != nil {
		if errors.Is(err, os.ErrExist) {
			return os.ReadFile(path)
		}
		return nil, fmt.Errorf("digest: install key %s: %w", path, err)
	}
	return key, nil
}

// NewSigner uses key directly (tests).
func NewSigner(key []byte) *Signer { return &Signer{key: key} }

// Sign returns a token for (purpose, id) valid until expires (zero: forever).
func (s *Signer) Sign(purpose string, id int64, expires time.Time) string {
	var body [16]byte
	binary.BigEndian.PutUint64(body[:8], uint64(id))
	if !expires.IsZero() {
		binary.BigEndian.PutUint64(body[8:], uint64(expires.Unix()))
	}
	return base64.RawURLEncoding.EncodeToString(body[:]) + "." + base64.RawURLEncoding.EncodeToString(s.mac(purpose, body[:]))
}

func (s *Signer) mac(purpose string, body []byte) []byte {
	m := hmac.New(sha256.New, s.key)
	m.Write([]byte(purpose + "\x00"))
	m.Write(body)
	return m.Sum(nil)[:16]
}

// Verify checks a token for purpose and returns its subscription id.
func (s *Signer) Verify(purpose, token string, now time.Time) (int64, error) {
	bad := model.Errorf(model.EINVALID, "this link is not valid")
	b64, sig, ok := strings.Cut(token, ".")
	// Strict: one token has one spelling (lenient decoding ignores the unused
	// low bits of the last character, so several strings decoded alike).
	body, err1 := base64.RawURLEncoding.Strict().DecodeString(b64)
	mac, err2 := base64.RawURLEncoding.Strict().DecodeString(sig)
	if !ok || err1 != nil || err2 != nil || len(body) != 16 || !hmac.Equal(mac, s.mac(purpose, body)) {
		return 0, bad
	}
	if exp := int64(binary.BigEndian.Uint64(body[8:])); exp != 0 && now.Unix() > exp {
		return 0, model.Errorf(model.EINVALID, "this link has expired; subscribe again to get a new one")
	}
	return int64(binary.BigEndian.Uint64(body[:8])), nil
}
