package importer

import (
	"bufio"
	"bytes"
	"io"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"
)

// sniffBytes is how much text after the first non-ASCII byte decides
// between UTF-8 and Windows-1251.
const sniffBytes = 16 << 10

// textReader turns the bytes of a text file into UTF-8 without a
// byte-order mark. Files saved by a Russian-locale Excel ("CSV (разделители -
// запятые)") are Windows-1251; "Unicode text" is UTF-16 with a BOM;
// everything else is UTF-8. ASCII is the same in UTF-8 and Windows-1251, so
// the choice is made at the first non-ASCII byte, from the 16 KB that follow
// it: valid UTF-8 there means UTF-8. Memory stays constant.
type textReader struct {
	br      *bufio.Reader
	started bool
	mode    int // modeUndecided until the first non-ASCII byte
	dec     io.Reader
	// otherName names what dec decodes.
	otherName string
}

const (
	modeUndecided = iota
	modeUTF8
	modeOther // dec decodes
)

func newTextReader(r io.Reader) *textReader {
	return &textReader{br: bufio.NewReaderSize(r, 64<<10)}
}

// Charset reports the encoding chosen so far: "utf-8", "windows-1251",
// "utf-16", or "ascii" while only ASCII has been read.
func (t *textReader) charset() string {
	switch t.mode {
	case modeUTF8:
		return "utf-8"
	case modeOther:
		return t.otherName
	}
	return "ascii"
}

func (t *textReader) Read(p []byte) (int, error) {
	if !t.started {
		t.started = true
		head, _ := t.br.Peek(3)
		switch {
		case bytes.HasPrefix(head, []byte("\xef\xbb\xbf")):
			t.br.Discard(3)
			t.mode = modeUTF8
		case bytes.HasPrefix(head, []byte("\xff\xfe")), bytes.HasPrefix(head, []byte("\xfe\xff")):
			t.mode, t.otherName = modeOther, "utf-16"
			t.dec = transform.NewReader(t.br, unicode.UTF16(unicode.LittleEndian, unicode.ExpectBOM).NewDecoder())
		}
	}
	switch t.mode {
	case modeUTF8:
		return t.br.Read(p)
	case modeOther:
		return t.dec.Read(p)
	}
	if len(p) == 0 {
		return 0, nil
	}
	if t.br.Buffered() == 0 {
		if _, err := t.br.Peek(1); err != nil {
			return 0, err
		}
	}
	buf, _ := t.br.Peek(t.br.Buffered())
	if i := indexNonASCII(buf); i != 0 {
		if i > 0 {
			buf = buf[:i]
		}
		n := copy(p, buf)
		t.br.Discard(n)
		return n, nil
	}
	win, err := t.br.Peek(sniffBytes)
	if err == bufio.ErrBufferFull || (err == nil && len(win) == sniffBytes) {
		win = trimPartialRune(win)
	}
	if utf8.Valid(win) {
		t.mode = modeUTF8
	} else {
		t.mode, t.otherName = modeOther, "windows-1251"
		t.dec = transform.NewReader(t.br, charmap.Windows1251.NewDecoder())
	}
	return t.Read(p)
}

// indexNonASCII returns the index of the first byte ≥ 0x80, or -1.
func indexNonASCII(b []byte) int {
	i := 0
	for ; i+8 <= len(b); i += 8 {
		if (uint64(b[i])|uint64(b[i+1])<<8|uint64(b[i+2])<<16|uint64(b[i+3])<<24|
			uint64(b[i+4])<<32|uint64(b[i+5])<<40|uint64(b[i+6])<<48|uint64(b[i+7])<<56)&0x8080808080808080 != 0 {
			break
		}
	}
	for ; i < len(b); i++ {
		if b[i] >= 0x80 {
			return i
		}
	}
	return -1
}

// trimPartialRune drops an incomplete UTF-8 sequence cut by the end of a window.
func trimPartialRune(b []byte) []byte {
	for k := 1; k <= utf8.UTFMax && k <= len(b); k++ {
		c := b[len(b)-k]
		if c < 0x80 {
			return b
		}
		if utf8.RuneStart(c) {
			if !utf8.FullRune(b[len(b)-k:]) {
				return b[:len(b)-k]
			}
			return b
		}
	}
	return b
}
