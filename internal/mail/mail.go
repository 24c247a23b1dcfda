// Package mail sends plain-text e-mail through an SMTP server with the
// standard library's net/smtp: reminders to bodies late with their
// reports. Without a configured server the platform notifies in the
// application only.
package mail

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/tls"
	"fmt"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"net/smtp"
	"net/url"
	"strings"
	"time"
)

// Sender sends messages through one SMTP server.
type Sender struct {
	addr string // host:port
	host string
	user string
	pass string
	from string
	// Timeout bounds one message's whole SMTP conversation.
	Timeout time.Duration
	// Now dates the messages; time.Now when nil.
	Now func() time.Time
}

// New returns a Sender for an smtp://[user:password@]host[:port] URL (port
// 25 by default; 587 is the usual submission port) sending from the
// address from. STARTTLS is used when the server offers it; credentials
// are sent only over TLS or to the local machine (net/smtp's rule).
func New(rawURL, from string) (*Sender, error) {
	u, err := url.Parse(rawURL)
	if err != nil || u.Scheme != "smtp" || u.Hostname() == "" {
		return nil, fmt.Errorf("smtp url %q: want smtp://[user:password@]host[:port]", redact(rawURL))
	}
	a, err := mail.ParseAddress(from)
	if err != nil {
		return nil, fmt.Errorf("smtp from %q: %w", from, err)
	}
	port := u.Port()
	if port == "" {
		port = "25"
	}
	s := &Sender{addr: net.JoinHostPort(u.Hostname(), port), host: u.Hostname(), from: a.Address, Timeout: 30 * time.Second}
	if u.User != nil {
		s.user = u.User.Username()
		s.pass, _ = u.User.Password()
	}
	return s, nil
}

// redact hides the password of an SMTP URL for logs and errors.
func redact(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.User == nil {
		return raw
	}
	if _, ok := u.User.Password(); ok {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	return u.String()
}

// Redacted is rawURL with its password hidden, for logs.
func Redacted(rawURL string) string { return redact(rawURL) }

// Send sends a plain-text message in UTF-8 to the addresses to.
func (s *Sender) Send(ctx context.Context, to []string, subject, body string) error {
	if len(to) == 0 {
		return nil
	}
	for _, a := range to {
		if strings.ContainsAny(a, "\r\n") {
			return fmt.Errorf("mail: bad address %q", a)
		}
	}
	ctx, cancel := context.WithTimeout(ctx, s.Timeout)
	defer cancel()
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", s.addr)
	if err != nil {
		return fmt.Errorf("mail: %w", err)
	}
	if dl, ok := ctx.Deadline(); ok {
		conn.SetDeadline(dl)
	}
	c, err := smtp.NewClient(conn, s.host)
	if err != nil {
		conn.Close()
		return fmt.Errorf("mail: %w", err)
	}
	defer c.Close()
	if ok, _ := c.Extension("STARTTLS"); ok {
		if err := c.StartTLS(&tls.Config{ServerName: s.host}); err != nil {
			return fmt.Errorf("mail: starttls: %w", err)
		}
	}
	if s.user != "" {
		if err := c.Auth(smtp.PlainAuth("", s.user, s.pass, s.host)); err != nil {
			return fmt.Errorf("mail: auth: %w", err)
		}
	}
	if err := c.Mail(s.from); err != nil {
		return fmt.Errorf("mail: from: %w", err)
	}
	for _, a := range to {
		if err := c.Rcpt(a); err != nil {
			return fmt.Errorf("mail: rcpt %s: %w", a, err)
		}
	}
	w, err := c.Data()
	if err != nil {
		return fmt.Errorf("mail: data: %w", err)
	}
	if _, err := w.Write(s.message(to, subject, body)); err != nil {
		return fmt.Errorf("mail: data: %w", err)
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("mail: data: %w", err)
	}
	return c.Quit()
}

// message builds the RFC 5322 message: UTF-8 subject in encoded words,
// the body quoted-printable so any server carries it.
func (s *Sender) message(to []string, subject, body string) []byte {
	now := time.Now
	if s.Now != nil {
		now = s.Now
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, "From: %s\r\n", s.from)
	fmt.Fprintf(&b, "To: %s\r\n", strings.Join(to, ", "))
	fmt.Fprintf(&b, "Subject: %s\r\n", mime.BEncoding.Encode("utf-8", subject))
	fmt.Fprintf(&b, "Date: %s\r\n", now().Format(time.RFC1123Z))
	fmt.Fprintf(&b, "Message-ID: <%s@%s>\r\n", rand.Text(), s.host)
	b.WriteString("MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n")
	qw := quotedprintable.NewWriter(&b)
	qw.Write([]byte(strings.ReplaceAll(body, "\n", "\r\n")))
	qw.Close()
	return b.Bytes()
}
