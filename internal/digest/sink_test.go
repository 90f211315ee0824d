package digest_test

import (
	"io"
	"net"
	"sync/atomic"
	"testing"

	"github.com/emersion/go-smtp"
)

// sink is a minimal SMTP server that reads and discards messages: the
// fastest possible peer, to measure quire's own sending rate apart from the
// server's (mailpit parses and stores every message).
type sink struct{ n atomic.Int64 }

type sinkSession struct{ s *sink }

func (s *sinkSession) Mail(string, *smtp.MailOptions) error { return nil }
func (s *sinkSession) Rcpt(string, *smtp.RcptOptions) error { return nil }
func (s *sinkSession) Data(r io.Reader) error {
	_, err := io.Copy(io.Discard, r)
	s.s.n.Add(1)
	return err
}
func (s *sinkSession) Reset()        {}
func (s *sinkSession) Logout() error { return nil }

func startSink(tb testing.TB) (string, *sink) {
	tb.Helper()
	sk := &sink{}
	srv := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) { return &sinkSession{sk}, nil }))
	srv.Domain, srv.AllowInsecureAuth = "localhost", true
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	go srv.Serve(ln)
	tb.Cleanup(func() { srv.Close() })
	return ln.Addr().String(), sk
}
