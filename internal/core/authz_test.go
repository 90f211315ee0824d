package core

import (
	"testing"
	"time"

	"github.com/quire/quire/internal/model"
)

func TestWhoMayDoWhat(t *testing.T) {
	member := &model.Account{Name: "ann", Role: model.RoleMember}
	other := &model.Account{Name: "bob", Role: model.RoleMember}
	mod := &model.Account{Name: "mo", Role: model.RoleModerator}
	admin := &model.Account{Name: "ad", Role: model.RoleAdmin}
	suspended := &model.Account{Name: "sus", Role: model.RoleModerator, SuspendedAt: time.Now()}
	comment := &model.Comment{User: "ann"}
	hidden := &model.Comment{User: "ann", HiddenAt: time.Now()}
	paper := &model.Paper{Daily: &model.Submission{SubmittedBy: &model.User{Name: "bob"}},
		Authors: []model.Author{{Name: "Cy", User: &model.User{Name: "cy"}}}}
	claimed := &model.Account{Name: "cy", Role: model.RoleMember}

	for _, tc := range []struct {
		name string
		err  error
		want string
	}{
		{"anonymous edits", CanEditComment(nil, comment), model.EUNAUTH},
		{"author edits", CanEditComment(member, comment), ""},
		{"other edits", CanEditComment(other, comment), model.EFORBIDDEN},
		{"moderator edits someone's", CanEditComment(mod, comment), model.EFORBIDDEN},
		{"author edits hidden", CanEditComment(member, hidden), model.EFORBIDDEN},
		{"suspended edits", CanEditComment(suspended, &model.Comment{User: "sus"}), model.EFORBIDDEN},
		{"author deletes", CanDeleteComment(member, comment), ""},
		{"other deletes", CanDeleteComment(other, comment), model.EFORBIDDEN},
		{"moderator deletes", CanDeleteComment(mod, comment), ""},
		{"suspended moderator deletes", CanDeleteComment(suspended, comment), model.EFORBIDDEN},
		{"submitter sets links", CanSetLinks(other, paper), ""},
		{"claimed author sets links", CanSetLinks(claimed, paper), ""},
		{"moderator sets links", CanSetLinks(mod, paper), ""},
		{"member sets links", CanSetLinks(member, paper), model.EFORBIDDEN},
		{"anonymous sets links", CanSetLinks(nil, paper), model.EUNAUTH},
		{"member suspends", CanSuspend(member, other), model.EFORBIDDEN},
		{"moderator suspends member", CanSuspend(mod, member), ""},
		{"moderator suspends moderator", CanSuspend(mod, &model.Account{Name: "m2", Role: model.RoleModerator}), model.EFORBIDDEN},
		{"admin suspends moderator", CanSuspend(admin, mod), ""},
		{"admin suspends self", CanSuspend(admin, admin), model.EFORBIDDEN},
		{"moderator-only action by member", requireModerator(member), model.EFORBIDDEN},
		{"admin-only action by moderator", requireAdmin(mod), model.EFORBIDDEN},
		{"admin-only action by admin", requireAdmin(admin), ""},
		{"moderator decides own claim", CanDecideClaim(mod, &model.Claim{User: "mo"}), model.EFORBIDDEN},
		{"admin decides own claim", CanDecideClaim(admin, &model.Claim{User: "ad"}), model.EFORBIDDEN},
		{"moderator decides another's claim", CanDecideClaim(mod, &model.Claim{User: "ann"}), ""},
		{"member decides a claim", CanDecideClaim(member, &model.Claim{User: "bob"}), model.EFORBIDDEN},
		{"member tags an organization", CanTagOrganization(member), model.EFORBIDDEN},
		{"moderator tags an organization", CanTagOrganization(mod), ""},
		{"token manages the account", CanManageAccount(member, false), model.EFORBIDDEN},
		{"session manages the account", CanManageAccount(member, true), ""},
	} {
		if got := model.ErrorCode(tc.err); got != tc.want {
			t.Errorf("%s: %q (%v), want %q", tc.name, got, tc.err, tc.want)
		}
	}
}

func TestPasswords(t *testing.T) {
	h, err := HashPassword("correct horse")
	if err != nil {
		t.Fatal(err)
	}
	if !CheckPassword(h, "correct horse") || CheckPassword(h, "wrong horse") || CheckPassword("garbage", "x") {
		t.Error("password check is wrong")
	}
	h2, _ := HashPassword("correct horse")
	if h == h2 {
		t.Error("hashes are not salted")
	}
}

func TestTrendingScore(t *testing.T) {
	week := TrendingWindows["week"]
	h := time.Hour
	fresh := TrendingScore([]time.Duration{h, 2 * h, 3 * h}, 0, 0, week)
	stale := TrendingScore([]time.Duration{100 * h, 120 * h, 150 * h}, 0, 0, week)
	imported := TrendingScore(nil, 3, 42*h, week) // one half-life
	if !(fresh > imported && imported > stale) || imported < 1.49 || imported > 1.51 {
		t.Errorf("fresh %.2f, imported %.2f (want 1.5), stale %.2f", fresh, imported, stale)
	}
}
