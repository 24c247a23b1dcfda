package residents

import (
	"bytes"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"testing"
)

func testImage() image.Image {
	img := image.NewRGBA(image.Rect(0, 0, 40, 30))
	for y := 0; y < 30; y++ {
		for x := 0; x < 40; x++ {
			img.Set(x, y, color.RGBA{uint8(x * 6), uint8(y * 8), 90, 255})
		}
	}
	return img
}

// gpsEXIF is an APP1 EXIF segment with a GPS IFD pointing at 42.87 N,
// 74.59 E, the bytes a phone writes.
func gpsEXIF() []byte {
	var tiff bytes.Buffer
	le := binary.LittleEndian
	tiff.WriteString("II*\x00")
	binary.Write(&tiff, le, uint32(8))
	// IFD0: one entry, the GPS IFD pointer (0x8825) at offset 26.
	binary.Write(&tiff, le, uint16(1))
	binary.Write(&tiff, le, [6]uint16{0x8825, 4, 1, 0, 26, 0})
	binary.Write(&tiff, le, uint32(0))
	// GPS IFD: latitude ref N and longitude ref E.
	binary.Write(&tiff, le, uint16(2))
	binary.Write(&tiff, le, [6]uint16{1, 2, 2, 0, 'N', 0})
	binary.Write(&tiff, le, [6]uint16{3, 2, 2, 0, 'E', 0})
	binary.Write(&tiff, le, uint32(0))
	tiff.WriteString("GPSLatitude 42.87 GPSLongitude 74.59")
	payload := append([]byte("Exif\x00\x00"), tiff.Bytes()...)
	return segment(0xE1, payload)
}

func segment(m byte, payload []byte) []byte {
	s := []byte{0xFF, m, 0, 0}
	binary.BigEndian.PutUint16(s[2:], uint16(len(payload)+2))
	return append(s, payload...)
}

func jpegWithMetadata(t *testing.T) []byte {
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, testImage(), &jpeg.Options{Quality: 90}); err != nil {
		t.Fatal(err)
	}
	b := buf.Bytes()
	var out []byte
	out = append(out, b[:2]...)
	out = append(out, gpsEXIF()...)
	out = append(out, segment(0xE1, []byte("http://ns.adobe.com/xap/1.0/\x00<x:xmpmeta><exif:GPSLatitude>42,52.2N</exif:GPSLatitude></x:xmpmeta>"))...)
	out = append(out, segment(0xED, []byte("Photoshop 3.0\x008BIM Author Aibek"))...)
	out = append(out, segment(0xFE, []byte("Taken at home by Aibek"))...)
	out = append(out, b[2:]...)
	return append(out, []byte("trailing data after EOI with GPS")...)
}

// jpegSegments lists the markers of a JPEG's header segments up to SOS.
func jpegSegments(b []byte) []byte {
	var ms []byte
	for i := 2; i+4 <= len(b) && b[i] == 0xFF; {
		m := b[i+1]
		ms = append(ms, m)
		if m == 0xDA {
			break
		}
		i += 2 + int(binary.BigEndian.Uint16(b[i+2:]))
	}
	return ms
}

func TestStripJPEG(t *testing.T) {
	in := jpegWithMetadata(t)
	if Detect(in) != JPEG {
		t.Fatal("not detected as JPEG")
	}
	out, err := Strip(JPEG, in)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range jpegSegments(out) {
		if m >= 0xE1 && m <= 0xEF || m == 0xFE {
			t.Errorf("segment %X kept", m)
		}
	}
	for _, leak := range []string{"Exif", "GPS", "xmpmeta", "Aibek", "8BIM", "trailing"} {
		if bytes.Contains(out, []byte(leak)) {
			t.Errorf("%q left in the stripped file", leak)
		}
	}
	got, err := jpeg.Decode(bytes.NewReader(out))
	if err != nil {
		t.Fatalf("stripped JPEG does not decode: %v", err)
	}
	want, _ := jpeg.Decode(bytes.NewReader(in))
	if got.Bounds() != want.Bounds() || got.At(20, 15) != want.At(20, 15) {
		t.Error("pixels changed")
	}
	// A progressive-like file with restart markers and several scans is
	// beyond image/jpeg's encoder; a stuffed 0xFF00 in the scan is not.
	if !bytes.Contains(out, []byte{0xFF, 0xDA}) {
		t.Error("no scan")
	}
}

func pngChunk(typ string, data []byte) []byte {
	c := make([]byte, 8, 12+len(data))
	binary.BigEndian.PutUint32(c, uint32(len(data)))
	copy(c[4:], typ)
	c = append(c, data...)
	return binary.BigEndian.AppendUint32(c, crc32.ChecksumIEEE(c[4:]))
}

func TestStripPNG(t *testing.T) {
	var buf bytes.Buffer
	if err := png.Encode(&buf, testImage()); err != nil {
		t.Fatal(err)
	}
	b := buf.Bytes()
	ihdrEnd := 8 + 12 + 13
	var in []byte
	in = append(in, b[:ihdrEnd]...)
	in = append(in, pngChunk("tEXt", []byte("Author\x00Aibek Asanov"))...)
	in = append(in, pngChunk("iTXt", []byte("XML:com.adobe.xmp\x00\x00\x00\x00\x00<x:xmpmeta>GPS</x:xmpmeta>"))...)
	in = append(in, pngChunk("zTXt", []byte("Comment\x00\x00xx"))...)
	in = append(in, pngChunk("eXIf", []byte("MM\x00*GPS 42.87"))...)
	in = append(in, pngChunk("tIME", []byte{7, 234, 3, 6, 10, 0, 0})...)
	in = append(in, pngChunk("pHYs", []byte{0, 0, 11, 19, 0, 0, 11, 19, 1})...)
	in = append(in, b[ihdrEnd:]...)
	if Detect(in) != PNG {
		t.Fatal("not detected as PNG")
	}
	out, err := Strip(PNG, in)
	if err != nil {
		t.Fatal(err)
	}
	for _, leak := range []string{"tEXt", "iTXt", "zTXt", "eXIf", "tIME", "Aibek", "GPS", "xmpmeta"} {
		if bytes.Contains(out, []byte(leak)) {
			t.Errorf("%q left in the stripped file", leak)
		}
	}
	if !bytes.Contains(out, []byte("pHYs")) {
		t.Error("pHYs (display size) dropped")
	}
	img, err := png.Decode(bytes.NewReader(out))
	if err != nil || img.Bounds().Dx() != 40 {
		t.Fatalf("stripped PNG: %v", err)
	}
}

func box(typ string, parts ...[]byte) []byte {
	body := bytes.Join(parts, nil)
	b := binary.BigEndian.AppendUint32(nil, uint32(8+len(body)))
	return append(append(b, typ...), body...)
}

// testMP4 is a minimal file laid out as phones write it for streaming
// (moov before mdat), with a location in udta, XMP in a uuid box and a
// top-level meta box; stco points into mdat.
func testMP4(withMeta bool) (file []byte, sample []byte) {
	sample = []byte("SAMPLE-DATA-0123456789")
	ftyp := box("ftyp", []byte("isom\x00\x00\x02\x00isomiso2avc1mp41"))
	mvhd := box("mvhd", []byte{0, 0, 0, 0}, []byte{0xE0, 1, 2, 3}, []byte{0xE0, 1, 2, 4}, make([]byte, 88))
	tkhd := box("tkhd", []byte{0, 0, 0, 3}, []byte{0xE0, 1, 2, 3}, []byte{0xE0, 1, 2, 4}, make([]byte, 72))
	mdhd := box("mdhd", []byte{0, 0, 0, 0}, []byte{0xE0, 1, 2, 3}, []byte{0xE0, 1, 2, 4}, make([]byte, 12))
	udta := box("udta", box("\xa9xyz", []byte("\x00\x12\x15\xc7+42.8746+074.5698/")))
	meta := box("meta", []byte{0, 0, 0, 0}, box("hdlr", make([]byte, 25)), box("ilst", []byte("com.apple.quicktime.location.ISO6709 +42.8746+074.5698")))
	uuid := box("uuid", []byte("\xbe\x7a\xcf\xcb\x97\xa9\x42\xe8\x9c\x71\x99\x94\x91\xe3\xaf\xac<x:xmpmeta>GPS</x:xmpmeta>"))
	build := func(off uint32) []byte {
		stco := box("stco", []byte{0, 0, 0, 0}, []byte{0, 0, 0, 1}, binary.BigEndian.AppendUint32(nil, off))
		trakParts := [][]byte{tkhd, box("mdia", mdhd, box("minf", box("stbl", stco)))}
		moovParts := [][]byte{mvhd, box("trak", trakParts...)}
		var top [][]byte
		top = append(top, ftyp)
		if withMeta {
			trakParts = append(trakParts, udta)
			moovParts = [][]byte{mvhd, box("trak", trakParts...), udta, meta}
			top = append(top, box("moov", moovParts...), uuid)
		} else {
			top = append(top, box("moov", moovParts...))
		}
		return bytes.Join(top, nil)
	}
	head := build(0)
	off := uint32(len(head) + 8)
	return append(build(off), box("mdat", sample)...), sample
}

// walkMP4 checks every box's size adds up and returns the types seen.
func walkMP4(t *testing.T, b []byte) []string {
	t.Helper()
	boxes, err := parseMP4(b, 0, len(b), 0)
	if err != nil {
		t.Fatalf("stripped MP4 does not parse: %v", err)
	}
	var types []string
	var walk func([]*mp4Box)
	walk = func(bs []*mp4Box) {
		for _, x := range bs {
			types = append(types, x.typ)
			walk(x.children)
		}
	}
	walk(boxes)
	return types
}

func TestStripMP4(t *testing.T) {
	in, sample := testMP4(true)
	if Detect(in) != MP4 {
		t.Fatal("not detected as MP4")
	}
	out, err := Strip(MP4, in)
	if err != nil {
		t.Fatal(err)
	}
	for _, typ := range walkMP4(t, out) {
		switch typ {
		case "udta", "meta", "uuid", "\xa9xyz":
			t.Errorf("box %q kept", typ)
		}
	}
	for _, leak := range []string{"+42.8746", "xmpmeta", "location"} {
		if bytes.Contains(out, []byte(leak)) {
			t.Errorf("%q left in the stripped file", leak)
		}
	}
	// The chunk offset still points at the sample.
	i := bytes.Index(out, []byte("stco"))
	off := binary.BigEndian.Uint32(out[i+12:])
	if !bytes.HasPrefix(out[off:], sample) {
		t.Fatalf("stco points at %q, want the sample", out[off:min(int(off)+10, len(out))])
	}
	// The creation and modification times are gone.
	if bytes.Contains(out, []byte{0xE0, 1, 2, 3}) {
		t.Error("a creation time was kept")
	}
	// A file without metadata keeps its size and layout.
	clean, _ := testMP4(false)
	got, err := Strip(MP4, clean)
	if err != nil || len(got) != len(clean) {
		t.Fatalf("clean file: %d bytes, want %d (%v)", len(got), len(clean), err)
	}
}

func TestDetectRefuses(t *testing.T) {
	pdf := []byte("%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj")
	heic := box("ftyp", []byte("heic\x00\x00\x00\x00mif1heic"))
	for name, b := range map[string][]byte{"pdf": pdf, "heic": heic, "text": []byte("GIF89a..."), "empty": nil} {
		if k := Detect(b); k != "" {
			t.Errorf("%s detected as %s", name, k)
		}
	}
	if _, err := Strip(PDFKind, pdf); !errors.Is(err, ErrUnsupported) {
		t.Errorf("stripping a PDF: %v", err)
	}
	// Damaged files are refused, not stored half-read.
	in := jpegWithMetadata(t)
	if _, err := Strip(JPEG, in[:200]); !errors.Is(err, ErrDamaged) {
		t.Errorf("truncated JPEG: %v", err)
	}
	mp4, _ := testMP4(true)
	bad := bytes.Clone(mp4)
	binary.BigEndian.PutUint32(bad[len(bad)-30:], 1<<30)
	if _, err := Strip(MP4, bad); !errors.Is(err, ErrDamaged) {
		t.Errorf("overrunning MP4 box: %v", err)
	}
}

const PDFKind = "application/pdf"
