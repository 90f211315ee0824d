package core_test

import (
	"context"
	"testing"
	"time"

	"github.com/quire/quire/internal/core"
	"github.com/quire/quire/internal/model"
	"github.com/quire/quire/internal/store/sqlite/sqlitetest"
)

func TestLoginDoesNotRevealAccounts(t *testing.T) {
	db := sqlitetest.MustOpen(t)
	a := &core.Accounts{Store: db, Now: time.Now, SessionTTL: time.Hour}
	ctx := context.Background()
	if _, err := a.Signup(ctx, "ann", "ann@example.org", "password-ann", ""); err != nil {
		t.Fatal(err)
	}
	_, _, wrong := a.Login(ctx, "ann", "nope-nope")
	_, _, unknown := a.Login(ctx, "nobody", "nope-nope")
	if wrong == nil || unknown == nil || wrong.Error() != unknown.Error() {
		t.Errorf("wrong password %q vs unknown user %q", wrong, unknown)
	}
	_, tok1, err := a.Login(ctx, "ann@example.org", "password-ann")
	if err != nil {
		t.Fatal(err)
	}
	_, tok2, _ := a.Login(ctx, "ann", "password-ann")
	if tok1 == tok2 {
		t.Error("two logins share a session")
	}
	acct, err := a.Authenticate(ctx, tok1)
	if err != nil || acct.Name != "ann" {
		t.Fatalf("authenticate: %v", err)
	}
	apiToken, err := a.CreateToken(ctx, "ann", "script")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.ChangePassword(ctx, acct, "password-ann", "brand-new-password"); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Authenticate(ctx, apiToken); model.ErrorCode(err) != model.ENOTFOUND {
		t.Errorf("an API token survived a password change: %v", err)
	}
	// One account whatever the case of its name.
	if _, err := a.Signup(ctx, "ANN", "ann2@example.org", "password-ann", ""); model.ErrorCode(err) != model.ECONFLICT {
		t.Errorf("ANN beside ann: %v", err)
	}
	if _, _, err := a.Login(ctx, " ANN ", "brand-new-password"); err != nil {
		t.Errorf("login as ANN: %v", err)
	}
	if _, err := a.Authenticate(ctx, tok2); model.ErrorCode(err) != model.ENOTFOUND {
		t.Errorf("old session survived a password change: %v", err)
	}
	for _, bad := range [][3]string{{"a", "x@example.org", "password1"}, {"bob", "not-an-email", "password1"},
		{"bob", "bob@example.org", "short"}, {"bad name", "b@example.org", "password1"}} {
		if _, err := a.Signup(ctx, bad[0], bad[1], bad[2], ""); model.ErrorCode(err) != model.EINVALID {
			t.Errorf("Signup(%q, %q) = %v, want EINVALID", bad[0], bad[1], err)
		}
	}
}
