package web_test

import (
	"context"
	"encoding/xml"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/quire/quire/internal/digest"
	"github.com/quire/quire/internal/model"
)

func TestSavedSearchFeed(t *testing.T) {
	ts := newTestServer(t, 0, "../hf/testdata/2024-05-27.json")
	ts.member(t, "ann", "")
	id, err := ts.DB.CreateSavedSearch(context.Background(), "ann", "multimodal", "s3cr3tfeed")
	if err != nil {
		t.Fatal(err)
	}
	for _, ext := range []string{"rss", "atom"} {
		res, body := ts.get(t, "/feed/saved/s3cr3tfeed."+ext)
		if res.StatusCode != 200 || xml.Unmarshal(body, new(struct{})) != nil || !strings.Contains(string(body), "multimodal") {
			t.Errorf("%s: %d", ext, res.StatusCode)
		}
	}
	if res, _ := ts.get(t, "/feed/saved/999.rss"); res.StatusCode != 404 {
		t.Errorf("unknown saved search: %d", res.StatusCode)
	}
	// A private feed is reached by its secret only, never by its
	// sequential id.
	if res, _ := ts.get(t, "/feed/saved/"+itoa(id)+".rss"); res.StatusCode != 404 {
		t.Errorf("saved search feed by id: %d", res.StatusCode)
	}
	if res, _ := ts.get(t, "/feed/saved/s3cr3tfeed.exe"); res.StatusCode != 404 {
		t.Errorf("unknown format: %d", res.StatusCode)
	}
}

func TestUnsubscribeAfterDeletionIsFriendly(t *testing.T) {
	db := newTestServer(t, 0).DB
	subs := &digest.Subscriptions{Store: db, Signer: digest.NewSigner([]byte("0123456789abcdef0123456789abcdef")), Now: time.Now}
	gone := subs.Signer.Sign(digest.PurposeUnsubscribe, 4242, time.Time{}) // no such subscription
	if err := subs.Unsubscribe(context.Background(), gone); err != nil {
		t.Errorf("unsubscribing a deleted subscription: %v", err)
	}
	if _, err := subs.Subscribe(context.Background(), "ann@example.org", model.Daily, ""); model.ErrorCode(err) != model.ECONFLICT {
		t.Errorf("subscribe without SMTP: %v", err)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func TestDigestPreview(t *testing.T) {
	ts := newTestServer(t, 0, "../hf/testdata/2024-05-27.json")
	ts.member(t, "ann", "")
	if _, err := ts.DB.CreateSavedSearch(context.Background(), "ann", "language models", "feed2"); err != nil {
		t.Fatal(err)
	}
	_, token, err := ts.Accounts.Login(context.Background(), "ann", "password-ann")
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest("GET", ts.URL+"/digest/preview", nil)
	req.AddCookie(&http.Cookie{Name: "quire_session", Value: token})
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 || !strings.Contains(string(body), "ConvLLaVA") || !strings.Contains(string(body), "language models") {
		t.Errorf("preview: %d %.300s", res.StatusCode, body)
	}
	if res, _ := ts.get(t, "/digest/preview"); res.Request.URL.Path != "/login" {
		t.Errorf("anonymous preview went to %s", res.Request.URL.Path)
	}
}
