package importer

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/aldyn-kg/aldyn"
	"github.com/aldyn-kg/aldyn/internal/workbook"
)

// Format is a file format the importer reads.
type Format string

// Formats.
const (
	CSV   Format = "csv"   // comma, semicolon or tab separated; UTF-8, UTF-16 or Windows-1251
	JSONL Format = "jsonl" // one JSON object per line
	XLSX  Format = "xlsx"  // the first sheet of an Excel workbook
)

// FormatOf guesses a file's format from its name.
func FormatOf(name string) (Format, bool) {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".csv", ".txt", ".tsv":
		return CSV, true
	case ".jsonl", ".ndjson":
		return JSONL, true
	case ".xlsx":
		return XLSX, true
	}
	return "", false
}

// MaxRecordBytes bounds one record (a CSV record, which may span lines, or
// a JSON line), so that memory stays constant whatever the file holds.
const MaxRecordBytes = 1 << 20

// Reader reads the records of a table one at a time, in memory that does
// not grow with the number of rows (see XLSXReader for workbooks).
type Reader interface {
	// Header returns the column names in file order. It can grow while
	// reading: JSON keys first seen on a later line, or cells beyond the
	// header of a CSV row (named "column N"), are appended.
	Header() []string
	// Next returns the next record, skipping empty lines and rows (a
	// record of empty cells may still come): its row number as the user
	// sees it (the line where a CSV record starts, with the header on line
	// 1; the sheet row of an XLSX; the line of a JSON Lines file) and its
	// values, values[i] being the cell under Header()[i] ("" when missing).
	// The slice is overwritten by the next call. At the end it returns
	// io.EOF. A *RecordError leaves the reader usable; it comes with the
	// record's values when the record could be read but is malformed (a
	// CSV row with more or fewer cells than the header).
	Next() (row int, values []string, err error)
	Close() error
}

// RecordError is a record that could not be read; reading can go on.
type RecordError struct {
	Row    int
	Column string // the first column concerned, "" for the whole record
	Reason string // translation key
}

func (e *RecordError) Error() string { return fmt.Sprintf("row %d: %s", e.Row, e.Reason) }

// NewReader returns a reader of format f over r.
func NewReader(r io.Reader, f Format) (Reader, error) {
	// A nil *CSVReader in a Reader would not be a nil Reader.
	switch f {
	case CSV:
		c, err := NewCSVReader(r)
		if err != nil {
			return nil, err
		}
		return c, nil
	case JSONL:
		return NewJSONLReader(r), nil
	case XLSX:
		x, err := NewXLSXReader(r)
		if err != nil {
			return nil, err
		}
		return x, nil
	}
	return nil, aldyn.Errorf(aldyn.EINVALID, "import.error.format", "format", string(f))
}

// ForEach calls fn with each record of rd as a map from header to value;
// handy for previews, slower than Next.
func ForEach(rd Reader, fn func(row int, rec map[string]string) error) error {
	for {
		row, vals, err := rd.Next()
		if err == io.EOF {
			return nil
		}
		var re *RecordError
		if errors.As(err, &re) {
			continue
		} else if err != nil {
			return err
		}
		rec := make(map[string]string, len(vals))
		for i, h := range rd.Header() {
			if i < len(vals) {
				rec[h] = vals[i]
			}
		}
		if err := fn(row, rec); err != nil {
			return err
		}
	}
}

func columnName(i int) string { return "column " + strconv.Itoa(i+1) }

// growHeader names the columns of cells beyond the header.
func growHeader(h []string, n int) []string {
	for len(h) < n {
		h = append(h, columnName(len(h)))
	}
	return h
}

func blank(vals []string) bool {
	for _, v := range vals {
		if strings.TrimSpace(v) != "" {
			return false
		}
	}
	return true
}

// CSVReader reads delimited text. The delimiter is the most frequent of
// comma, semicolon and tab in the header line; quoting follows RFC 4180,
// with stray quotes taken literally as Excel does.
type CSVReader struct {
	text   *textReader
	br     *bufio.Reader
	comma  byte
	header []string
	width  int // cells of the header row, which every row must have
	vals   []string
	line   int   // lines consumed
	bounds []int // start and end of each field in the record string
	long   []byte
	quoted []byte
}

// NewCSVReader reads the header of r: its first non-blank record.
func NewCSVReader(r io.Reader) (*CSVReader, error) {
	t := newTextReader(r)
	c := &CSVReader{text: t, br: bufio.NewReaderSize(t, 64<<10)}
	c.comma = c.sniffComma()
	for {
		_, vals, err := c.Next()
		if err == io.EOF {
			return nil, aldyn.Errorf(aldyn.EINVALID, "import.error.empty")
		} else if err != nil {
			return nil, err
		}
		if blank(vals) {
			continue
		}
		c.header = make([]string, len(vals))
		for i, v := range vals {
			if v = strings.TrimSpace(strings.TrimPrefix(v, "\ufeff")); v == "" {
				v = columnName(i)
			}
			c.header[i] = v
		}
		c.width = len(vals)
		return c, nil
	}
}

// Charset reports how the text was decoded: utf-8, windows-1251, utf-16,
// or ascii when nothing else was seen.
func (c *CSVReader) Charset() string { return c.text.charset() }

// Comma reports the delimiter.
func (c *CSVReader) Comma() byte { return c.comma }

func (c *CSVReader) sniffComma() byte {
	head, _ := c.br.Peek(64 << 10)
	var counts [256]int
	quoted := false
	for _, b := range head {
		if b == '"' {
			quoted = !quoted
		} else if b == '\n' && !quoted {
			break
		} else if !quoted {
			counts[b]++
		}
	}
	best := byte(',')
	for _, b := range []byte{';', '\t'} {
		if counts[b] > counts[best] {
			best = b
		}
	}
	return best
}

// Header implements Reader.
func (c *CSVReader) Header() []string { return c.header }

// Close implements Reader.
func (c *CSVReader) Close() error { return nil }

// readLine returns the next line without its line end. The slice is valid
// until the next call.
func (c *CSVReader) readLine() ([]byte, error) {
	line, err := c.br.ReadSlice('\n')
	if err == bufio.ErrBufferFull {
		c.long = append(c.long[:0], line...)
		for err == bufio.ErrBufferFull {
			if len(c.long) > MaxRecordBytes {
				return nil, c.tooLong(c.line + 1)
			}
			line, err = c.br.ReadSlice('\n')
			c.long = append(c.long, line...)
		}
		if len(c.long) > MaxRecordBytes {
			return nil, c.tooLong(c.line + 1)
		}
		line = c.long
	}
	if len(line) == 0 && err != nil {
		return nil, err
	}
	if err != nil && err != io.EOF {
		return nil, err
	}
	c.line++
	if n := len(line); n > 0 && line[n-1] == '\n' {
		line = line[:n-1]
	}
	if n := len(line); n > 0 && line[n-1] == '\r' {
		line = line[:n-1]
	}
	return line, nil
}

func (c *CSVReader) tooLong(row int) error {
	return aldyn.Errorf(aldyn.EINVALID, "import.error.record_too_long", "row", row, "limit", "1 MB")
}

// Next implements Reader.
func (c *CSVReader) Next() (int, []string, error) {
	for {
		line, err := c.readLine()
		if err != nil {
			return 0, nil, err
		}
		row := c.line
		if len(line) == 0 {
			continue
		}
		var rec string
		c.bounds = c.bounds[:0]
		if bytes.IndexByte(line, '"') < 0 {
			// The common case: split the line as it is, with one allocation.
			rec = string(line)
			for i := 0; ; {
				j := strings.IndexByte(rec[i:], c.comma)
				if j < 0 {
					c.bounds = append(c.bounds, i, len(rec))
					break
				}
				c.bounds = append(c.bounds, i, i+j)
				i += j + 1
			}
		} else if rec, err = c.parseQuoted(line, row); err != nil {
			return 0, nil, err
		}
		n := len(c.bounds) / 2
		if c.header != nil && n > len(c.header) {
			c.header = growHeader(c.header, n)
		}
		width := max(n, len(c.header))
		if cap(c.vals) < width {
			c.vals = make([]string, width)
		}
		c.vals = c.vals[:width]
		for i := 0; i < n; i++ {
			c.vals[i] = rec[c.bounds[2*i]:c.bounds[2*i+1]]
		}
		clear(c.vals[n:])
		// A row with cells missing or too many has its values in the wrong
		// columns, or none: reading empty cells into them would store a
		// record without its coordinates or with solved=false.
		switch {
		case c.header == nil || n == c.width:
		case n < c.width:
			return row, c.vals, &RecordError{Row: row, Column: c.header[n], Reason: "import.error.row_short"}
		default:
			return row, c.vals, &RecordError{Row: row, Column: c.header[c.width], Reason: "import.error.row_long"}
		}
		return row, c.vals, nil
	}
}

// parseQuoted splits a record with quotes, reading more lines while a
// quoted field goes on.
func (c *CSVReader) parseQuoted(line []byte, row int) (string, error) {
	buf := c.quoted[:0]
	defer func() { c.quoted = buf[:0] }()
	start, i := 0, 0
	for {
		if i < len(line) && line[i] == '"' {
			i++
			for {
				j := bytes.IndexByte(line[i:], '"')
				if j < 0 {
					buf = append(buf, line[i:]...)
					buf = append(buf, '\n')
					if len(buf) > MaxRecordBytes {
						return "", c.tooLong(row)
					}
					next, err := c.readLine()
					if err == io.EOF {
						return "", aldyn.Errorf(aldyn.EINVALID, "import.error.csv_quote", "row", row)
					} else if err != nil {
						return "", err
					}
					line, i = next, 0
					continue
				}
				buf = append(buf, line[i:i+j]...)
				i += j + 1
				if i < len(line) && line[i] == '"' {
					buf = append(buf, '"')
					i++
					continue
				}
				if i == len(line) || line[i] == c.comma {
					break
				}
				buf = append(buf, '"') // a stray quote inside a quoted field
			}
		} else {
			j := bytes.IndexByte(line[i:], c.comma)
			if j < 0 {
				j = len(line) - i
			}
			buf = append(buf, line[i:i+j]...)
			i += j
		}
		c.bounds = append(c.bounds, start, len(buf))
		start = len(buf)
		if i >= len(line) {
			return string(buf), nil
		}
		i++ // the delimiter
	}
}

// JSONLReader reads JSON Lines: one object per line. Nested objects become
// columns with dotted names ("victim.name"), so that the personal-data
// guard sees every key; arrays are kept as JSON text.
type JSONLReader struct {
	text   *textReader
	br     *bufio.Reader
	header []string
	index  map[string]int
	vals   []string
	line   int
	long   []byte
}

// NewJSONLReader returns a reader over r.
func NewJSONLReader(r io.Reader) *JSONLReader {
	t := newTextReader(r)
	return &JSONLReader{text: t, br: bufio.NewReaderSize(t, 64<<10), index: map[string]int{}}
}

// Charset reports how the text was decoded, as CSVReader.Charset.
func (j *JSONLReader) Charset() string { return j.text.charset() }

// Header implements Reader.
func (j *JSONLReader) Header() []string { return j.header }

// Close implements Reader.
func (j *JSONLReader) Close() error { return nil }

// Next implements Reader.
func (j *JSONLReader) Next() (int, []string, error) {
	for {
		line, err := j.br.ReadSlice('\n')
		if err == bufio.ErrBufferFull {
			j.long = append(j.long[:0], line...)
			for err == bufio.ErrBufferFull {
				if len(j.long) > MaxRecordBytes {
					return 0, nil, aldyn.Errorf(aldyn.EINVALID, "import.error.record_too_long", "row", j.line+1, "limit", "1 MB")
				}
				line, err = j.br.ReadSlice('\n')
				j.long = append(j.long, line...)
			}
			if len(j.long) > MaxRecordBytes {
				return 0, nil, aldyn.Errorf(aldyn.EINVALID, "import.error.record_too_long", "row", j.line+1, "limit", "1 MB")
			}
			line = j.long
		}
		if len(line) == 0 && err != nil {
			return 0, nil, err
		}
		if err != nil && err != io.EOF {
			return 0, nil, err
		}
		j.line++
		line = bytes.TrimSpace(line)
		if len(line) == 0 {
			continue
		}
		clear(j.vals)
		if err := j.object(line, ""); err != nil {
			return j.line, nil, &RecordError{Row: j.line, Reason: "import.error.json"}
		}
		return j.line, j.vals, nil
	}
}

func (j *JSONLReader) object(data []byte, prefix string) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return errors.New("not an object")
	}
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return err
		}
		key := prefix + t.(string)
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return err
		}
		var val string
		switch raw[0] {
		case '{':
			if err := j.object(raw, key+"."); err != nil {
				return err
			}
			continue
		case '"':
			if err := json.Unmarshal(raw, &val); err != nil {
				return err
			}
		case 'n':
			val = ""
		default: // numbers, true, false and arrays as written
			val = string(raw)
		}
		i, ok := j.index[key]
		if !ok {
			i = len(j.header)
			j.index[key] = i
			j.header = append(j.header, key)
			j.vals = append(j.vals, "")
		}
		j.vals[i] = val
	}
	if _, err := dec.Token(); err != nil {
		return err
	}
	if dec.More() {
		return errors.New("trailing data")
	}
	return nil
}

// XLSXLimits bound an offense workbook (see workbook.Open): a full Excel
// sheet of offense records (a million rows) unpacks to well under a
// gigabyte; larger files are better sent as CSV, which streams.
var XLSXLimits = workbook.Limits{File: 64 << 20, Unpacked: 1 << 30}

// XLSXReader reads the first sheet of a workbook. A workbook is a zip
// archive that can only be read with random access, so the file is held in
// memory while it is read (it is compressed, typically a tenth of the same
// CSV); the sheet itself is streamed from a temporary file, so memory does
// not grow with the number of rows beyond that. Cells are read raw: dates
// are serial numbers, which the importer understands. The workbook is
// checked first against XLSXLimits, and each row against Excel's limit on
// a cell.
type XLSXReader struct {
	f      *excelize.File
	rows   *excelize.Rows
	header []string
	vals   []string
	row    int
}

// NewXLSXReader opens the workbook in r and reads the header row (the
// first non-blank row).
func NewXLSXReader(r io.Reader) (*XLSXReader, error) {
	f, err := workbook.Open(r, XLSXLimits)
	if err != nil {
		return nil, err
	}
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		f.Close()
		return nil, aldyn.Errorf(aldyn.EINVALID, "import.error.empty")
	}
	rows, err := f.Rows(sheets[0])
	if err != nil {
		f.Close()
		return nil, aldyn.Errorf(aldyn.EINVALID, "import.error.xlsx", "detail", err.Error())
	}
	x := &XLSXReader{f: f, rows: rows}
	for {
		_, vals, err := x.Next()
		if err != nil {
			x.Close()
			if err == io.EOF {
				return nil, aldyn.Errorf(aldyn.EINVALID, "import.error.empty")
			}
			return nil, err
		}
		if blank(vals) {
			continue
		}
		x.header = make([]string, len(vals))
		for i, v := range vals {
			if v = strings.TrimSpace(v); v == "" {
				v = columnName(i)
			}
			x.header[i] = v
		}
		return x, nil
	}
}

// Header implements Reader.
func (x *XLSXReader) Header() []string { return x.header }

// Next implements Reader. Blank rows are skipped.
func (x *XLSXReader) Next() (int, []string, error) {
	for x.rows.Next() {
		x.row++
		cols, err := x.rows.Columns()
		if err != nil {
			return 0, nil, aldyn.Errorf(aldyn.EINVALID, "import.error.xlsx", "detail", err.Error())
		}
		if err := workbook.CheckRow(x.row, cols); err != nil {
			return 0, nil, err
		}
		if blank(cols) {
			continue
		}
		if x.header != nil && len(cols) > len(x.header) {
			x.header = growHeader(x.header, len(cols))
		}
		width := max(len(cols), len(x.header))
		if cap(x.vals) < width {
			x.vals = make([]string, width)
		}
		x.vals = x.vals[:width]
		copy(x.vals, cols)
		clear(x.vals[len(cols):])
		return x.row, x.vals, nil
	}
	if err := x.rows.Error(); err != nil {
		return 0, nil, aldyn.Errorf(aldyn.EINVALID, "import.error.xlsx", "detail", err.Error())
	}
	return 0, nil, io.EOF
}

// Close removes the workbook's temporary files.
func (x *XLSXReader) Close() error {
	x.rows.Close()
	return x.f.Close()
}
