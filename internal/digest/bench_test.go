package digest_test

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/quire/quire/internal/digest"
	"github.com/quire/quire/internal/mail"
	"github.com/quire/quire/internal/model"
	"github.com/quire/quire/internal/testutil"
)

// BenchmarkSendDigests renders and sends 10,000 personalised digests (each
// subscriber has an account with a saved search, so every digest differs)
// to a local SMTP server, and reports messages/s and the process's peak RSS:
// "mailpit" is the real server the tests use; "sink" a minimal one that
// discards what it reads, so that quire's own rate shows.
//
//	go test -run='^$' -bench=SendDigests -benchtime=1x ./internal/digest
func BenchmarkSendDigests(b *testing.B) {
	b.Run("mailpit", func(b *testing.B) {
		mp := testutil.StartMailpit(b)
		benchSend(b, mp.SMTP, func() int { total, _ := mp.Messages(b, 1); return total })
	})
	// The server's own ceiling: one rendered digest sent again and again,
	// with no rendering and no store in the loop.
	b.Run("mailpit-raw", func(b *testing.B) {
		mp := testutil.StartMailpit(b)
		db, s := setup(b, "")
		sub := subscribe(b, db, "raw@example.org", model.Daily, "")
		d, err := s.Build(context.Background(), sub, sendDate, nil)
		if err != nil {
			b.Fatal(err)
		}
		msg, _ := digest.Compose(site, d, "TOKEN")
		m, _ := mail.NewSMTP("smtp://"+mp.SMTP, 0)
		defer m.Close()
		const n = 2000
		for b.Loop() {
			start := time.Now()
			for i := 0; i < n; i++ {
				msg.To, msg.MessageID = fmt.Sprintf("r%d@example.org", i), fmt.Sprintf("<raw.%d@q>", i)
				if err := m.Send(context.Background(), msg, nil); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(n/time.Since(start).Seconds(), "msgs/s")
		}
	})
	b.Run("sink", func(b *testing.B) {
		addr, sk := startSink(b)
		benchSend(b, addr, func() int { return int(sk.n.Load()) })
	})
}

func benchSend(b *testing.B, smtpAddr string, delivered func() int) {
	n := 10000
	if v, _ := strconv.Atoi(os.Getenv("QUIRE_BENCH_DIGESTS")); v > 0 {
		n = v
	}
	db, s := setup(b, "")
	ctx := context.Background()
	queries := []string{"language models", "vision", "diffusion", "reasoning", "multimodal", "agents", "benchmark", "3D"}
	for i := 0; i < n; i++ {
		name := fmt.Sprintf("u%05d", i)
		if err := db.CreateAccount(ctx, &model.Account{Name: name, Email: name + "@example.org", PasswordHash: "x", Role: "member",
			CreatedAt: time.Now()}); err != nil {
			b.Fatal(err)
		}
		if _, err := db.CreateSavedSearch(ctx, name, queries[i%len(queries)], fmt.Sprint("feed", i)); err != nil {
			b.Fatal(err)
		}
		sub, err := db.CreateSubscription(ctx, &model.Subscription{Email: name + "@example.org", Frequency: model.Daily, User: name})
		if err == nil {
			err = db.SetSubscriptionStatus(ctx, sub.ID, model.SubActive)
		}
		if err != nil {
			b.Fatal(err)
		}
	}
	if err := s.Papers.Search.Sync(ctx); err != nil {
		b.Fatal(err)
	}
	m, _ := mail.NewSMTP("smtp://"+smtpAddr, 0)
	defer m.Close()
	s.Mailer = m
	for b.Loop() {
		start := time.Now()
		res, err := s.Run(ctx, model.Daily, sendDate)
		if err != nil || res.Sent != n {
			b.Fatalf("%+v %v", res, err)
		}
		b.ReportMetric(float64(n)/time.Since(start).Seconds(), "msgs/s")
	}
	b.ReportMetric(peakRSSMB(), "peak-RSS-MB")
	if got := delivered(); got != n*b.N {
		b.Fatalf("the server received %d messages, want %d", got, n*b.N)
	}
}

func peakRSSMB() float64 {
	b, _ := os.ReadFile("/proc/self/status")
	for _, line := range strings.Split(string(b), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "VmHWM:" {
			kb, _ := strconv.ParseFloat(f[1], 64)
			return kb / 1024
		}
	}
	return 0
}
