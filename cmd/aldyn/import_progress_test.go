package main

import (
	"bytes"
	"os"
	"strings"
	"testing"
	"time"
)

// TestProgressNotATerminal: written to a log or a pipe, an import's
// progress is a plain line every logEvery, never a bar redrawn with
// carriage returns.
func TestProgressNotATerminal(t *testing.T) {
	var buf bytes.Buffer
	p := newProgressBar(&buf, 1000)
	if p.terminal {
		t.Fatal("a bytes.Buffer taken for a terminal")
	}
	clock := p.start
	p.now = func() time.Time { return clock }
	for s := 1; s <= 35; s++ {
		clock = p.start.Add(time.Duration(s) * time.Second)
		p.update(int64(s*100), int64(s*25))
	}
	p.finish()
	out := buf.String()
	if strings.Contains(out, "\r") {
		t.Errorf("output has carriage returns: %q", out)
	}
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	want := []string{
		"import: 25% of 1000 bytes read, 1000 rows, 10s",
		"import: 50% of 1000 bytes read, 2000 rows, 20s",
		"import: 75% of 1000 bytes read, 3000 rows, 30s",
		"import: 3500 rows in 35s",
	}
	if strings.Join(lines, "\n") != strings.Join(want, "\n") {
		t.Errorf("got lines\n%s\nwant\n%s", strings.Join(lines, "\n"), strings.Join(want, "\n"))
	}
}

func TestProgressTerminalCheck(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	if isTerminal(w) {
		t.Error("a pipe taken for a terminal")
	}
	f, err := os.CreateTemp(t.TempDir(), "log")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if isTerminal(f) {
		t.Error("a regular file taken for a terminal")
	}
	// On a terminal the bar is redrawn in place.
	var buf bytes.Buffer
	p := newProgressBar(&buf, 100)
	p.terminal, p.every = true, drawEvery
	p.now = func() time.Time { return p.start.Add(time.Second) }
	p.update(10, 50)
	if got := buf.String(); !strings.HasPrefix(got, "\r[###############...............]  50% 10 rows") {
		t.Errorf("terminal bar: %q", got)
	}
}
