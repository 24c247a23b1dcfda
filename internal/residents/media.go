// Package residents holds the logic of the residents' channel that is more
// than storing: the checking and cleaning of the photos and videos
// residents attach (this file), pure functions on bytes.
package residents

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
)

// Media kinds, by content.
const (
	JPEG = "image/jpeg"
	PNG  = "image/png"
	MP4  = "video/mp4"
)

// Size limits of one file.
const (
	MaxPhotoBytes = 10 << 20
	MaxVideoBytes = 50 << 20
	MaxPhotos     = 5
)

// ErrUnsupported: the content is not a JPEG, PNG or MP4 file; ErrDamaged:
// it starts like one but cannot be read through.
var (
	ErrUnsupported = errors.New("not a JPEG, PNG or MP4 file")
	ErrDamaged     = errors.New("damaged file")
)

// Detect names the kind of a file from its first bytes (not its name), or
// "" when it is none of JPEG, PNG, MP4.
func Detect(head []byte) string {
	switch {
	case len(head) >= 3 && head[0] == 0xFF && head[1] == 0xD8 && head[2] == 0xFF:
		return JPEG
	case bytes.HasPrefix(head, pngSignature):
		return PNG
	case len(head) >= 12 && string(head[4:8]) == "ftyp" && slices.Contains(mp4Brands, string(head[8:12])):
		return MP4
	}
	return ""
}

// mp4Brands are the major brands of ISO base media files holding video
// that phones record (HEIF and AVIF images share the container and are
// left out).
var mp4Brands = []string{"isom", "iso2", "iso4", "iso5", "iso6", "mp41", "mp42", "avc1", "M4V ", "dash", "3gp4", "3gp5", "3gp6", "3g2a", "qt  ", "MSNV"}

// MaxBytes is the size limit of a file of the kind.
func MaxBytes(kind string) int64 {
	if kind == MP4 {
		return MaxVideoBytes
	}
	return MaxPhotoBytes
}

// Strip returns the file without any metadata: EXIF, XMP, IPTC, comments,
// text and time chunks, user data and metadata boxes, creation times. The
// pixels and samples are kept byte for byte.
func Strip(kind string, b []byte) ([]byte, error) {
	var out []byte
	var err error
	switch kind {
	case JPEG:
		out, err = stripJPEG(b)
	case PNG:
		out, err = stripPNG(b)
	case MP4:
		out, err = stripMP4(b)
	default:
		return nil, ErrUnsupported
	}
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrDamaged, err)
	}
	return out, nil
}

// JPEG: a sequence of marker segments; the entropy-coded data after SOS
// runs to the next marker that is not a stuffed 0xFF00 or a restart
// marker.

func stripJPEG(b []byte) ([]byte, error) {
	if len(b) < 4 || b[0] != 0xFF || b[1] != 0xD8 {
		return nil, errors.New("no start of image")
	}
	out := make([]byte, 0, len(b))
	out = append(out, 0xFF, 0xD8)
	i := 2
	sawScan := false
	for {
		// Fill bytes 0xFF may precede a marker.
		for i+1 < len(b) && b[i] == 0xFF && b[i+1] == 0xFF {
			i++
		}
		if i+1 >= len(b) || b[i] != 0xFF {
			return nil, fmt.Errorf("no marker at %d", i)
		}
		m := b[i+1]
		switch {
		case m == 0xD9: // end of image; anything after it is dropped
			if !sawScan {
				return nil, errors.New("no image data")
			}
			return append(out, 0xFF, 0xD9), nil
		case m >= 0xD0 && m <= 0xD7, m == 0x01:
			out = append(out, 0xFF, m)
			i += 2
			continue
		}
		if i+4 > len(b) {
			return nil, errors.New("truncated segment")
		}
		n := int(binary.BigEndian.Uint16(b[i+2:]))
		if n < 2 || i+2+n > len(b) {
			return nil, fmt.Errorf("segment %X overruns the file", m)
		}
		seg := b[i : i+2+n]
		i += 2 + n
		if keepJPEGSegment(m, seg[4:]) {
			out = append(out, seg...)
		}
		if m != 0xDA { // not start of scan
			continue
		}
		sawScan = true
		// Copy the entropy-coded data.
		start := i
		for {
			if i+1 >= len(b) {
				return nil, errors.New("no end of image")
			}
			if b[i] == 0xFF && b[i+1] != 0x00 && !(b[i+1] >= 0xD0 && b[i+1] <= 0xD7) {
				break
			}
			i++
		}
		out = append(out, b[start:i]...)
	}
}

// keepJPEGSegment keeps what decoding needs: frames, tables, scans,
// restart intervals, and of the application segments only the JFIF header
// (APP0 "JFIF\0", without its thumbnail) and Adobe's (APP14, which says how
// colours were transformed). EXIF and XMP (APP1), ICC profiles (APP2),
// IPTC (APP13), comments (COM) and every other APPn are dropped.
func keepJPEGSegment(m byte, payload []byte) bool {
	switch {
	case m == 0xE0:
		return bytes.HasPrefix(payload, []byte("JFIF\x00")) && len(payload) >= 14 && payload[12] == 0 && payload[13] == 0
	case m == 0xEE:
		return bytes.HasPrefix(payload, []byte("Adobe"))
	case m >= 0xE1 && m <= 0xEF, m == 0xFE:
		return false
	}
	return true
}

// PNG: a signature and chunks (length, type, data, CRC). Only chunks
// needed to show the image are kept.

var pngSignature = []byte("\x89PNG\r\n\x1a\n")

var pngKeep = []string{"IHDR", "PLTE", "IDAT", "IEND", "tRNS", "gAMA", "cHRM", "sRGB", "sBIT", "bKGD", "pHYs", "hIST",
	"acTL", "fcTL", "fdAT"}

func stripPNG(b []byte) ([]byte, error) {
	if !bytes.HasPrefix(b, pngSignature) {
		return nil, errors.New("no PNG signature")
	}
	out := append(make([]byte, 0, len(b)), pngSignature...)
	for i := len(pngSignature); ; {
		if i+12 > len(b) {
			return nil, errors.New("truncated chunk")
		}
		n := int(binary.BigEndian.Uint32(b[i:]))
		if n < 0 || n > len(b)-i-12 {
			return nil, errors.New("chunk overruns the file")
		}
		typ := string(b[i+4 : i+8])
		chunk := b[i : i+12+n]
		i += 12 + n
		if slices.Contains(pngKeep, typ) {
			out = append(out, chunk...)
		} else if typ[0]&0x20 == 0 {
			return nil, fmt.Errorf("unknown critical chunk %q", typ)
		}
		if typ == "IEND" {
			return out, nil // anything after it is dropped
		}
	}
}

// MP4: boxes of (size, type, body); containers hold boxes. User data
// (udta), metadata (meta, which holds Apple's ©xyz location and XMP),
// uuid boxes (XMP by Adobe) and free space are removed wherever they are,
// the sizes of every enclosing box rewritten, the chunk offsets (stco,
// co64) moved by the bytes removed before them, and the creation and
// modification times of the movie, tracks and media set to zero.

var mp4Containers = []string{"moov", "trak", "mdia", "minf", "stbl", "edts", "dinf", "mvex", "moof", "traf", "mfra"}

var mp4Drop = []string{"udta", "meta", "uuid", "free", "skip", "\xa9xyz", "XMP_", "pdin"}

type mp4Box struct {
	typ        string
	start, end int // the whole box in the original file
	header     int // the header's length
	children   []*mp4Box
}

func parseMP4(b []byte, start, end int, depth int) ([]*mp4Box, error) {
	if depth > 12 {
		return nil, errors.New("boxes nested too deep")
	}
	var out []*mp4Box
	for i := start; i < end; {
		if end-i < 8 {
			return nil, fmt.Errorf("truncated box at %d", i)
		}
		size := int64(binary.BigEndian.Uint32(b[i:]))
		typ := string(b[i+4 : i+8])
		h := 8
		switch size {
		case 0:
			size = int64(end - i)
		case 1:
			if end-i < 16 {
				return nil, fmt.Errorf("truncated box at %d", i)
			}
			size, h = int64(binary.BigEndian.Uint64(b[i+8:])), 16
		}
		if size < int64(h) || size > int64(end-i) {
			return nil, fmt.Errorf("box %q at %d overruns its container", typ, i)
		}
		box := &mp4Box{typ: typ, start: i, end: i + int(size), header: h}
		if slices.Contains(mp4Containers, typ) {
			var err error
			if box.children, err = parseMP4(b, i+h, box.end, depth+1); err != nil {
				return nil, err
			}
		}
		out = append(out, box)
		i = box.end
	}
	return out, nil
}

func stripMP4(b []byte) ([]byte, error) {
	boxes, err := parseMP4(b, 0, len(b), 0)
	if err != nil {
		return nil, err
	}
	if len(boxes) == 0 || boxes[0].typ != "ftyp" {
		return nil, errors.New("no ftyp box first")
	}
	var removed [][2]int // ranges of the original file removed, in order
	var mark func([]*mp4Box)
	mark = func(bs []*mp4Box) {
		for _, x := range bs {
			if slices.Contains(mp4Drop, x.typ) {
				removed = append(removed, [2]int{x.start, x.end})
				continue
			}
			mark(x.children)
		}
	}
	mark(boxes)
	// shift is how far a byte of the original file moves towards the start.
	shift := func(off int64) int64 {
		var s int64
		for _, r := range removed {
			if int64(r[1]) <= off {
				s += int64(r[1] - r[0])
			}
		}
		return s
	}
	out := make([]byte, 0, len(b))
	var write func(*mp4Box) error
	write = func(x *mp4Box) error {
		if slices.Contains(mp4Drop, x.typ) {
			return nil
		}
		if x.children == nil && !slices.Contains(mp4Containers, x.typ) {
			at := len(out)
			out = append(out, b[x.start:x.end]...)
			return fixLeaf(x.typ, out[at+x.header:], shift)
		}
		at := len(out)
		out = append(out, b[x.start:x.start+x.header]...)
		for _, c := range x.children {
			if err := write(c); err != nil {
				return err
			}
		}
		size := len(out) - at
		if x.header == 16 {
			binary.BigEndian.PutUint64(out[at+8:], uint64(size))
		} else {
			binary.BigEndian.PutUint32(out[at:], uint32(size))
		}
		return nil
	}
	for _, x := range boxes {
		if err := write(x); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// fixLeaf zeroes the times of mvhd, tkhd and mdhd and moves the chunk
// offsets of stco and co64; body is the box after its header, in out.
func fixLeaf(typ string, body []byte, shift func(int64) int64) error {
	switch typ {
	case "mvhd", "tkhd", "mdhd":
		if len(body) < 4 {
			return fmt.Errorf("short %s", typ)
		}
		n := 4 // version 0: 32-bit times
		if body[0] == 1 {
			n = 8
		}
		if len(body) < 4+2*n {
			return fmt.Errorf("short %s", typ)
		}
		clear(body[4 : 4+2*n])
	case "stco", "co64":
		if len(body) < 8 {
			return fmt.Errorf("short %s", typ)
		}
		count := int(binary.BigEndian.Uint32(body[4:]))
		w := 4
		if typ == "co64" {
			w = 8
		}
		if count < 0 || count > (len(body)-8)/w {
			return fmt.Errorf("%s count overruns the box", typ)
		}
		for k := 0; k < count; k++ {
			p := body[8+k*w:]
			if w == 4 {
				o := int64(binary.BigEndian.Uint32(p))
				binary.BigEndian.PutUint32(p, uint32(o-shift(o)))
			} else {
				o := int64(binary.BigEndian.Uint64(p))
				binary.BigEndian.PutUint64(p, uint64(o-shift(o)))
			}
		}
	}
	return nil
}
