package mail_test

import (
	"context"
	"io"
	"mime"
	"mime/quotedprintable"
	"strings"
	"testing"

	"github.com/aldyn-kg/aldyn/internal/mail"
	"github.com/aldyn-kg/aldyn/internal/mail/mailtest"
)

// TestSendOverSMTP sends a Kyrgyz message to a real SMTP listener and
// reads it back decoded.
func TestSendOverSMTP(t *testing.T) {
	srv := mailtest.MustStart(t)
	s, err := mail.New(srv.URL(), "aldyn@example.kg")
	if err != nil {
		t.Fatal(err)
	}
	subject, body := "Эскертүү: отчет", "Тапшырылбаган отчеттор — 2 (мөөнөтү 2025-04-10)\nҢ ө ү"
	if err := s.Send(context.Background(), []string{"body@example.kg"}, subject, body); err != nil {
		t.Fatal(err)
	}
	msgs := srv.Messages()
	if len(msgs) != 1 {
		t.Fatalf("got %d messages, want 1", len(msgs))
	}
	m := msgs[0]
	if m.From != "aldyn@example.kg" || len(m.To) != 1 || m.To[0] != "body@example.kg" {
		t.Errorf("got envelope %s → %v, want aldyn@example.kg → [body@example.kg]", m.From, m.To)
	}
	head, raw, _ := strings.Cut(m.Data, "\r\n\r\n")
	var gotSubject string
	for _, l := range strings.Split(head, "\r\n") {
		if v, ok := strings.CutPrefix(l, "Subject: "); ok {
			gotSubject, err = new(mime.WordDecoder).DecodeHeader(v)
			if err != nil {
				t.Fatal(err)
			}
		}
	}
	if gotSubject != subject {
		t.Errorf("got subject %q, want %q", gotSubject, subject)
	}
	dec, err := io.ReadAll(quotedprintable.NewReader(strings.NewReader(raw)))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := strings.TrimSpace(string(dec)), strings.ReplaceAll(body, "\n", "\r\n"); got != want {
		t.Errorf("got body %q, want %q", got, want)
	}
}

func TestNewRejectsBadConfig(t *testing.T) {
	for _, tc := range []struct{ name, url, from string }{
		{"scheme", "http://mail.example.kg", "a@example.kg"},
		{"no host", "smtp://", "a@example.kg"},
		{"from", "smtp://mail.example.kg", "not an address"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := mail.New(tc.url, tc.from); err == nil {
				t.Errorf("New(%q, %q): got no error, want one", tc.url, tc.from)
			}
		})
	}
	if got := mail.Redacted("smtp://user:secret@mail.example.kg:587"); strings.Contains(got, "secret") {
		t.Errorf("Redacted kept the password: %s", got)
	}
}
