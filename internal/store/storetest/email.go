package storetest

import (
	"testing"

	"github.com/quire/quire/internal/model"
	"github.com/quire/quire/internal/store"
)

func testSubscriptions(t *testing.T, s store.Store) {
	sub, err := s.CreateSubscription(ctx(), &model.Subscription{Email: " Ann@Example.org ", Frequency: model.Daily})
	if err != nil || sub.Status != model.SubPending || sub.Email != "ann@example.org" || sub.ID == 0 {
		t.Fatalf("create: %+v %v", sub, err)
	}
	again, _ := s.CreateSubscription(ctx(), &model.Subscription{Email: "ann@example.org", Frequency: model.Weekly})
	eq(t, "same row", again.ID, sub.ID)
	eq(t, "frequency updated while pending", again.Frequency, model.Weekly)
	if err := s.SetSubscriptionStatus(ctx(), sub.ID, model.SubActive); err != nil {
		t.Fatal(err)
	}
	active, _ := s.ActiveSubscriptions(ctx(), model.Weekly, 0, 10)
	if len(active) != 1 || active[0].ConfirmedAt.IsZero() {
		t.Fatalf("active = %+v", active)
	}
	again, _ = s.CreateSubscription(ctx(), &model.Subscription{Email: "ann@example.org", Frequency: model.Weekly})
	eq(t, "re-subscribing keeps an active subscription active", again.Status, model.SubActive)
	for i := 0; i < 3; i++ {
		_ = s.RecordFailure(ctx(), sub.ID, "550 no such user", true, 3)
	}
	b, _ := s.BouncingSubscriptions(ctx())
	if len(b) != 1 || b[0].LastError != "550 no such user" {
		t.Errorf("bouncing = %+v", b)
	}
	if d, err := s.FindDigestSend(ctx(), sub.ID, "weekly:2026-W48"); model.ErrorCode(err) != model.ENOTFOUND {
		t.Errorf("send log before any send: %+v %v", d, err)
	}
	if err := s.SaveDigestSend(ctx(), &store.DigestSend{SubscriptionID: sub.ID, Period: "weekly:2026-W48", Status: store.SendSending,
		MessageID: "<x@q>", Attempts: 1}); err != nil {
		t.Fatal(err)
	}
	_ = s.SaveDigestSend(ctx(), &store.DigestSend{SubscriptionID: sub.ID, Period: "weekly:2026-W48", Status: store.SendSent, MessageID: "<x@q>", Attempts: 1})
	d, err := s.FindDigestSend(ctx(), sub.ID, "weekly:2026-W48")
	if err != nil || d.Status != store.SendSent || d.MessageID != "<x@q>" {
		t.Errorf("send log = %+v %v", d, err)
	}

	mustAccount(t, s, "ann")
	id, err := s.CreateSavedSearch(ctx(), "ann", "flow matching", "feedsecret1")
	if err != nil {
		t.Fatal(err)
	}
	if id2, _ := s.CreateSavedSearch(ctx(), "ann", "flow matching", "feedsecret1"); id2 != id {
		t.Error("saving a search twice made two")
	}
	list, _ := s.FindSavedSearches(ctx(), "ann")
	eq(t, "saved", len(list), 1)
	if err := s.DeleteSavedSearch(ctx(), "bob", id); model.ErrorCode(err) != model.ENOTFOUND {
		t.Errorf("another user deleted it: %v", err)
	}
	if err := s.DeleteSavedSearch(ctx(), "ann", id); err != nil {
		t.Fatal(err)
	}
}
