// Package workbook opens the Excel workbooks that users upload, within
// bounds: every XLSX reader of Aldyn (offense import, plan template) opens
// its file here, so that a small zip that unpacks to gigabytes, or holds
// one enormous cell, is refused before it costs memory, disk or time.
//
// An XLSX is a zip of XML parts. Open checks the sizes the zip declares,
// then unpacks every part once, counting the bytes that really come out and
// measuring each XML token, cell, shared text and row as it streams by,
// and only then gives the file to excelize, with excelize's own unzip
// limits set as well.
package workbook

import (
	"archive/zip"
	"bytes"
	"errors"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"github.com/aldyn-kg/aldyn"
)

// Limits bound what one workbook may cost.
type Limits struct {
	// File bounds the workbook as uploaded: excelize holds it in memory.
	File int64
	// Unpacked bounds all the parts of the zip together, decompressed:
	// what excelize may write to the temporary directory.
	Unpacked int64
}

// Bounds that every workbook shares.
const (
	// MaxCellChars is Excel's own limit on a cell's text.
	MaxCellChars = 32767
	// maxToken bounds one XML token, and one cell or shared text, as
	// written in the XML (escaped): encoding/xml holds a token in memory.
	// A cell of MaxCellChars written with the longest escapes fits.
	maxToken = 1 << 20
	// maxRow bounds the text of one row, shared texts counted at the size
	// of the longest one, since excelize builds a row in memory.
	maxRow = 16 << 20
	// maxSharedStrings bounds the table of shared texts, which excelize
	// indexes in memory.
	maxSharedStrings = 4 << 20
	// maxInMemory bounds the parts excelize reads into memory: all but the
	// sheets and shared texts larger than xmlInMemory, which it streams
	// from temporary files.
	maxInMemory = 64 << 20
	xmlInMemory = 4 << 20
	// maxParts bounds the entries of the zip.
	maxParts = 10000
)

// Open reads a workbook from r and opens it with excelize after checking it
// against lim. Refusals are *aldyn.Error EINVALID with an import.error.xlsx…
// key; the caller closes the file.
func Open(r io.Reader, lim Limits) (*excelize.File, error) {
	data, err := io.ReadAll(io.LimitReader(r, lim.File+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > lim.File {
		return nil, aldyn.Errorf(aldyn.EINVALID, "import.error.xlsx_file_too_large", "limit", sizeText(lim.File))
	}
	if err := Check(data, lim); err != nil {
		return nil, err
	}
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{
		RawCellValue: true, UnzipSizeLimit: lim.Unpacked, UnzipXMLSizeLimit: min(xmlInMemory, lim.Unpacked),
	})
	if err != nil {
		return nil, aldyn.Errorf(aldyn.EINVALID, "import.error.xlsx", "detail", err.Error())
	}
	return f, nil
}

// CheckRow refuses a row (as the user numbers it) with a cell longer than
// Excel allows, naming the cell.
func CheckRow(row int, cells []string) error {
	for i, c := range cells {
		if len(c) > MaxCellChars && utf8.RuneCountInString(c) > MaxCellChars {
			col, _ := excelize.ColumnNumberToName(i + 1)
			return cellTooLong(row, col)
		}
	}
	return nil
}

func cellTooLong(row int, col string) error {
	return aldyn.Errorf(aldyn.EINVALID, "import.error.xlsx_cell_too_long", "row", row, "column", col, "limit", MaxCellChars)
}

func damaged() error { return aldyn.Errorf(aldyn.EINVALID, "import.error.xlsx_damaged") }

func unpackedTooLarge(lim Limits) error {
	return aldyn.Errorf(aldyn.EINVALID, "import.error.xlsx_unpacked_too_large", "limit", sizeText(lim.Unpacked))
}

// Check checks the zip in data against lim without keeping what it
// unpacks.
func Check(data []byte, lim Limits) error {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return aldyn.Errorf(aldyn.EINVALID, "import.error.xlsx", "detail", err.Error())
	}
	if len(zr.File) > maxParts {
		return damaged()
	}
	// The sizes the zip declares, first: a bomb that tells the truth is
	// refused without unpacking a byte.
	var total, inMemory uint64
	var sst *zip.File
	for _, zf := range zr.File {
		size := zf.UncompressedSize64
		if size > uint64(lim.Unpacked) {
			return unpackedTooLarge(lim)
		}
		if total += size; total > uint64(lim.Unpacked) {
			return unpackedTooLarge(lim)
		}
		name := partName(zf.Name)
		if !(streamed(name) && size > xmlInMemory) {
			if inMemory += size; inMemory > maxInMemory {
				return aldyn.Errorf(aldyn.EINVALID, "import.error.xlsx_parts_too_large", "limit", sizeText(maxInMemory))
			}
		}
		if name == "xl/sharedstrings.xml" {
			sst = zf
		}
	}
	// Then what really comes out: the shared texts first, whose longest
	// one sizes the rows that refer to them.
	s := &scan{lim: lim, budget: lim.Unpacked}
	if sst != nil {
		s.part = partSharedStrings
		if err := s.unpack(sst); err != nil {
			return err
		}
	}
	for _, zf := range zr.File {
		if zf == sst {
			continue
		}
		name := partName(zf.Name)
		switch {
		case strings.HasPrefix(name, "xl/worksheets/sheet"):
			s.part = partSheet
		case strings.HasSuffix(name, ".xml") || strings.HasSuffix(name, ".rels") || strings.HasSuffix(name, ".vml"):
			s.part = partXML
		default:
			s.part = partBinary
		}
		if err := s.unpack(zf); err != nil {
			return err
		}
	}
	return nil
}

// partName is a zip entry's name as excelize matches it.
func partName(name string) string { return strings.ToLower(strings.ReplaceAll(name, "\\", "/")) }

// streamed tells the parts that excelize streams from a temporary file when
// they are large.
func streamed(name string) bool {
	return name == "xl/sharedstrings.xml" || strings.HasPrefix(name, "xl/worksheets/sheet")
}

type partKind int

const (
	partBinary partKind = iota
	partXML
	partSheet
	partSharedStrings
)

// scan unpacks parts and measures their XML.
type scan struct {
	lim    Limits
	budget int64 // bytes the rest of the parts may unpack to
	part   partKind

	// Shared texts.
	strings int
	longest int64 // the longest shared text, as written
	siStart int64
	inSI    bool
	// The sheet being read.
	rowStart   int64
	rowN       int // its number, from r= or counted
	inRow      bool
	sharedRefs int64
	cStart     int64
	inC        bool
	cShared    bool
	cRef       []byte
}

// budgetReader counts the bytes that come out of a part.
type budgetReader struct {
	r    io.Reader
	left *int64
	over bool
}

func (b *budgetReader) Read(p []byte) (int, error) {
	n, err := b.r.Read(p)
	if *b.left -= int64(n); *b.left < 0 {
		b.over = true
		return n, errTooLarge
	}
	return n, err
}

var errTooLarge = errors.New("unpacked too large")

func (s *scan) unpack(zf *zip.File) error {
	rc, err := zf.Open()
	if err != nil {
		return damaged()
	}
	defer rc.Close()
	s.rowN, s.inRow, s.inC, s.inSI = 0, false, false, false // each sheet counts its own rows
	br := &budgetReader{r: rc, left: &s.budget}
	if s.part == partBinary {
		_, err = io.Copy(io.Discard, br)
	} else {
		err = s.xml(br)
	}
	switch {
	case br.over:
		return unpackedTooLarge(s.lim)
	case err == nil:
		return nil
	}
	var ae *aldyn.Error
	if errors.As(err, &ae) {
		return err
	}
	// archive/zip refuses a part longer or shorter than the zip says, or
	// whose checksum does not match.
	return damaged()
}

// Token kinds of the XML scanner.
const (
	inText = iota
	inTag
	inComment
	inCDATA
	inPI
)

// xml walks a part's XML token by token, without building anything,
// bounding each token and, in sheets and shared texts, each cell, text
// and row.
func (s *scan) xml(r io.Reader) error {
	var (
		buf      = make([]byte, 64<<10)
		base     int64 // offset in the part of buf[0]
		state    = inText
		start    int64  // where the current markup began
		tag      []byte // the current tag, up to its first 256 bytes
		quote    byte
		tail     [2]byte // the last two bytes, for the ends of comments and CDATA
		textFrom int64   // where the current text began
	)
	for {
		n, err := io.ReadFull(r, buf)
		if n == 0 {
			if err == io.EOF || err == io.ErrUnexpectedEOF {
				return nil
			}
			return err
		}
		b := buf[:n]
		for i := 0; i < len(b); i++ {
			if state == inText {
				// Text runs to the next '<': skip it whole.
				j := bytes.IndexByte(b[i:], '<')
				if j < 0 {
					i = len(b) - 1
					if base+int64(len(b))-textFrom > maxToken {
						return s.tokenTooLong()
					}
					tail = [2]byte{} // only markup looks at it
					continue
				}
				i += j
				if base+int64(i)-textFrom > maxToken {
					return s.tokenTooLong()
				}
				state, start, tag, quote = inTag, base+int64(i), tag[:0], 0
				tail = [2]byte{0, '<'}
				continue
			}
			c := b[i]
			off := base + int64(i)
			switch state {
			case inTag:
				if len(tag) < 256 {
					tag = append(tag, c)
				}
				switch {
				case quote != 0:
					if c == quote {
						quote = 0
					}
				case c == '"' || c == '\'':
					quote = c
				case len(tag) == 3 && string(tag) == "!--":
					state = inComment
				case len(tag) == 8 && string(tag) == "![CDATA[":
					state = inCDATA
				case len(tag) == 1 && c == '?':
					state = inPI
				case len(tag) == 2 && tag[0] == '!' && c != '-' && c != '[':
					// Excel writes no document type declarations; encoding/xml
					// would read one as a single token of any length.
					return damaged()
				case c == '>':
					if err := s.element(tag[:len(tag)-1], start, off+1); err != nil {
						return err
					}
					state, textFrom = inText, off+1
				}
				if state == inTag && off-start > maxToken {
					return s.tokenTooLong()
				}
			case inComment, inCDATA, inPI:
				end := c == '>' && (state == inComment && tail == [2]byte{'-', '-'} ||
					state == inCDATA && tail == [2]byte{']', ']'} ||
					state == inPI && tail[1] == '?')
				if end {
					state, textFrom = inText, off+1
				} else if off-start > maxToken {
					return s.tokenTooLong()
				}
			}
			tail[0], tail[1] = tail[1], c
		}
		base += int64(n)
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			return nil
		} else if err != nil {
			return err
		}
	}
}

func (s *scan) tokenTooLong() error {
	switch {
	case s.part == partSheet && s.inC && len(s.cRef) > 0:
		col, row, err := excelize.SplitCellName(string(s.cRef))
		if err == nil {
			return cellTooLong(row, col)
		}
	case s.part == partSheet && s.inRow:
		return aldyn.Errorf(aldyn.EINVALID, "import.error.xlsx_row_too_large", "row", s.rowN, "limit", sizeText(maxRow))
	}
	return aldyn.Errorf(aldyn.EINVALID, "import.error.xlsx_text_too_long", "limit", MaxCellChars)
}

// element sees a tag (without its < and >) that spans [from, to) of the
// part.
func (s *scan) element(tag []byte, from, to int64) error {
	if s.part != partSheet && s.part != partSharedStrings {
		return nil
	}
	end := len(tag) > 0 && tag[0] == '/'
	empty := len(tag) > 0 && tag[len(tag)-1] == '/'
	name := tag
	if end {
		name = name[1:]
	}
	for i, c := range name {
		if c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '/' {
			name = name[:i]
			break
		}
	}
	if i := bytes.IndexByte(name, ':'); i >= 0 {
		name = name[i+1:]
	}
	switch s.part {
	case partSharedStrings:
		if string(name) != "si" {
			return nil
		}
		if !end {
			if s.strings++; s.strings > maxSharedStrings {
				return aldyn.Errorf(aldyn.EINVALID, "import.error.xlsx_too_many_texts", "limit", maxSharedStrings)
			}
			s.siStart, s.inSI = from, !empty
			return nil
		}
		if s.inSI {
			n := to - s.siStart
			if n > maxToken {
				return aldyn.Errorf(aldyn.EINVALID, "import.error.xlsx_text_too_long", "limit", MaxCellChars)
			}
			s.longest = max(s.longest, n)
			s.inSI = false
		}
	case partSheet:
		switch string(name) {
		case "row":
			if !end {
				s.rowN++
				if n, ok := attr(tag, attrR); ok {
					if v, ok := atoi(n); ok {
						s.rowN = v
					}
				}
				s.rowStart, s.inRow, s.sharedRefs = from, !empty, 0
				return nil
			}
			if s.inRow && (to-s.rowStart)+s.sharedRefs*s.longest > maxRow {
				return aldyn.Errorf(aldyn.EINVALID, "import.error.xlsx_row_too_large", "row", s.rowN, "limit", sizeText(maxRow))
			}
			s.inRow = false
		case "c":
			if !end {
				t, _ := attr(tag, attrT)
				ref, _ := attr(tag, attrR)
				s.cRef = append(s.cRef[:0], ref...)
				s.cShared = string(t) == "s"
				s.cStart, s.inC = from, !empty
				return nil
			}
			if s.inC && to-s.cStart > maxToken {
				return s.tokenTooLong()
			}
			if s.inC && s.cShared {
				s.sharedRefs++
			}
			s.inC = false
		}
	}
	return nil
}

var attrR, attrT = []byte("r="), []byte("t=")

// attr finds an attribute's value (needle is its name and "=") in the
// first bytes of a tag.
func attr(tag, needle []byte) ([]byte, bool) {
	for i := 0; i < len(tag); {
		j := bytes.Index(tag[i:], needle)
		if j < 0 {
			return nil, false
		}
		j += i
		if j == 0 || !(tag[j-1] == ' ' || tag[j-1] == '\t' || tag[j-1] == '\n' || tag[j-1] == '\r') {
			i = j + 1
			continue
		}
		v := tag[j+len(needle):]
		if len(v) == 0 || (v[0] != '"' && v[0] != '\'') {
			return nil, false
		}
		if k := bytes.IndexByte(v[1:], v[0]); k >= 0 {
			return v[1 : 1+k], true
		}
		return nil, false
	}
	return nil, false
}

// sizeText writes a size as the importer's messages show one: "64 MB".
func sizeText(n int64) string {
	if n >= 1<<30 && n%(1<<30) == 0 {
		return strconv.FormatInt(n>>30, 10) + " GB"
	}
	return strconv.FormatInt(n>>20, 10) + " MB"
}

func atoi(s []byte) (int, bool) {
	n := 0
	if len(s) == 0 || len(s) > 9 {
		return 0, false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}
