// Package mail sends e-mail over SMTP: messages are built with
// wneessen/go-mail (MIME multipart/alternative, headers, encodings) and sent
// on one reused connection with STARTTLS when the server offers it (or
// implicit TLS for smtps://), at a bounded rate. Errors are classified as
// temporary (retry later) or permanent (5xx: the address does not work).
//
// Send takes a hook that runs after the whole message has been written but
// before the final "." that makes the server accept it. The digest sender
// records "sent" in that hook: a crash before it leaves nothing delivered
// (the server discards a message without its final dot), so the message is
// sent again; a crash after it has delivered the message. Only a crash in
// the microseconds between the commit and the dot's write can lose one.
package mail

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/smtp"
	"net/textproto"
	"net/url"
	"strconv"
	"sync"
	"time"

	gomail "github.com/wneessen/go-mail"
	"golang.org/x/time/rate"
)

// Message is one e-mail with a text and an HTML part.
type Message struct {
	From      string
	To        string
	Subject   string
	Text      string
	HTML      string
	MessageID string            // "<id@host>"
	Headers   map[string]string // List-Unsubscribe and friends
}

// Mailer sends messages.
type Mailer interface {
	// Send delivers m. beforeAccept, when not nil, runs when the message is
	// written and the server is waiting for the final dot; if it fails the
	// message is abandoned.
	Send(ctx context.Context, m *Message, beforeAccept func() error) error
	Close() error
}

// PermanentError is a 5xx answer for this message: retrying will not help.
type PermanentError struct{ Err error }

func (e *PermanentError) Error() string { return "permanent: " + e.Err.Error() }
func (e *PermanentError) Unwrap() error { return e.Err }

// IsPermanent reports whether err is a PermanentError.
func IsPermanent(err error) bool {
	var p *PermanentError
	return errors.As(err, &p)
}

// SMTP is a Mailer over one SMTP connection, reopened when it breaks.
type SMTP struct {
	host, addr string
	implicit   bool
	auth       smtp.Auth
	limit      *rate.Limiter
	helo       string
	// DKIM, when set, signs every message.
	DKIM *DKIM

	mu     sync.Mutex
	client *smtp.Client
}

// NewSMTP parses smtp://user:pass@host:port (STARTTLS when offered) or
// smtps://… (implicit TLS), sending perSecond messages at most (0: no limit).
func NewSMTP(rawURL string, perSecond float64) (*SMTP, error) {
	u, err := url.Parse(rawURL)
	if err != nil || u.Host == "" {
		return nil, fmt.Errorf("mail: invalid SMTP URL %q: want smtp://user:pass@host:port", rawURL)
	}
	s := &SMTP{host: u.Hostname(), helo: "localhost"}
	port := "587"
	switch u.Scheme {
	case "smtp":
	case "smtps":
		s.implicit, port = true, "465"
	default:
		return nil, fmt.Errorf("mail: SMTP URL scheme %q: want smtp or smtps", u.Scheme)
	}
	if p := u.Port(); p != "" {
		if _, err := strconv.Atoi(p); err != nil {
			return nil, fmt.Errorf("mail: invalid port %q", p)
		}
		port = p
	}
	s.addr = net.JoinHostPort(s.host, port)
	if u.User != nil {
		pass, _ := u.User.Password()
		s.auth = smtp.PlainAuth("", u.User.Username(), pass, s.host)
	}
	if perSecond > 0 {
		s.limit = rate.NewLimiter(rate.Limit(perSecond), max(1, int(perSecond)))
	}
	return s, nil
}

func (s *SMTP) dial(ctx context.Context) error {
	d := net.Dialer{Timeout: 30 * time.Second}
	var conn net.Conn
	var err error
	if s.implicit {
		conn, err = (&tls.Dialer{NetDialer: &d, Config: &tls.Config{ServerName: s.host}}).DialContext(ctx, "tcp", s.addr)
	} else {
		conn, err = d.DialContext(ctx, "tcp", s.addr)
	}
	if err != nil {
		return err
	}
	c, err := smtp.NewClient(conn, s.host)
	if err != nil {
		conn.Close()
		return err
	}
	if err := c.Hello(s.helo); err != nil {
		c.Close()
		return err
	}
	if ok, _ := c.Extension("STARTTLS"); ok && !s.implicit {
		if err := c.StartTLS(&tls.Config{ServerName: s.host}); err != nil {
			c.Close()
			return err
		}
	}
	if s.auth != nil {
		if err := c.Auth(s.auth); err != nil {
			c.Close()
			return &PermanentError{fmt.Errorf("authentication: %w", err)}
		}
	}
	s.client = c
	return nil
}

// Send implements Mailer.
func (s *SMTP) Send(ctx context.Context, m *Message, beforeAccept func() error) error {
	if s.limit != nil {
		if err := s.limit.Wait(ctx); err != nil {
			return err
		}
	}
	body, err := Build(m)
	if err == nil && s.DKIM != nil {
		body, err = s.DKIM.Sign(body)
	}
	if err != nil {
		return &PermanentError{err}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.client == nil {
		if err := s.dial(ctx); err != nil {
			return fmt.Errorf("mail: connect to %s: %w", s.addr, err)
		}
	}
	err = s.transaction(m, body, beforeAccept)
	var te *textproto.Error
	switch {
	case err == nil:
		return nil
	case errors.As(err, &te) && te.Code >= 500:
		_ = s.client.Reset()
		return &PermanentError{err}
	case errors.As(err, &te):
		_ = s.client.Reset()
		return fmt.Errorf("mail: %w", err)
	}
	// Anything else broke the connection (or the hook failed mid-DATA):
	// drop it, so that the server discards the unfinished message.
	s.client.Close()
	s.client = nil
	return fmt.Errorf("mail: %w", err)
}

func (s *SMTP) transaction(m *Message, body []byte, beforeAccept func() error) error {
	from, err := address(m.From)
	if err != nil {
		return err
	}
	if err := s.client.Mail(from); err != nil {
		return err
	}
	if err := s.client.Rcpt(m.To); err != nil {
		return err
	}
	w, err := s.client.Data()
	if err != nil {
		return err
	}
	if _, err := w.Write(body); err != nil {
		return err
	}
	if beforeAccept != nil {
		if err := beforeAccept(); err != nil {
			return fmt.Errorf("before accept: %w", err)
		}
	}
	return w.Close() // the final dot: now the server accepts the message
}

// Close ends the connection politely.
func (s *SMTP) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.client == nil {
		return nil
	}
	err := s.client.Quit()
	s.client = nil
	return err
}

// Build renders m as an RFC 5322 message: multipart/alternative with the
// text part first, the given Message-ID and extra headers.
func Build(m *Message) ([]byte, error) {
	msg := gomail.NewMsg()
	if err := msg.From(m.From); err != nil {
		return nil, fmt.Errorf("from %q: %w", m.From, err)
	}
	if err := msg.To(m.To); err != nil {
		return nil, fmt.Errorf("to %q: %w", m.To, err)
	}
	msg.Subject(m.Subject)
	if m.MessageID != "" {
		msg.SetMessageIDWithValue(trimAngles(m.MessageID))
	}
	msg.SetDate()
	for k, v := range m.Headers {
		msg.SetGenHeader(gomail.Header(k), v)
	}
	msg.SetBodyString(gomail.TypeTextPlain, m.Text)
	if m.HTML != "" {
		msg.AddAlternativeString(gomail.TypeTextHTML, m.HTML)
	}
	var buf bytes.Buffer
	if _, err := msg.WriteTo(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func address(s string) (string, error) {
	msg := gomail.NewMsg()
	if err := msg.From(s); err != nil {
		return "", &PermanentError{fmt.Errorf("from %q: %w", s, err)}
	}
	return msg.GetFrom()[0].Address, nil
}

func trimAngles(s string) string {
	if len(s) > 1 && s[0] == '<' && s[len(s)-1] == '>' {
		return s[1 : len(s)-1]
	}
	return s
}
