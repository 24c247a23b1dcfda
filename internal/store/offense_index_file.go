package store

import (
	"bufio"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sort"

	"github.com/aldyn-kg/aldyn"
)

// The records in memory saved to a file.
//
// Reading ten million records from the database into memory takes about
// twenty seconds, during which maps read the database and a national map
// takes seconds. So the server saves the index to a file in its data
// directory whenever it has changed and, when it starts, reads the file
// back (under a second for ten million records) and then reads only the
// imports done since, as it does after any import.
//
// The file is used only when it is the index of this very database: it
// names the database (a hash of its DSN) and holds, for every import whose
// records it has, the import's id, file hash and count of inserted
// records, all of which must match a done import of the database; and a
// CRC-32C of the whole file guards against a torn or damaged copy. Any
// mismatch and the index is read from the database as if there were no
// file. The file holds what the index holds: snapped locations, days,
// weekday and hour, category, register and territory, never an id; it is
// written readable by the server's user only, as the database is.

// OffenseIndexFile is the name of the file in the server's data directory.
const OffenseIndexFile = "offense-index.bin"

// indexFileMagic starts the file; its last byte is the format's version.
const indexFileMagic = "ALDYNIX\x01"

// indexFileHeader follows the magic, as JSON after its length (uint32).
type indexFileHeader struct {
	Database   string        `json:"database"`   // databaseID
	Categories []string      `json:"categories"` // aldyn.OffenseCategories, which kind indexes
	Records    int           `json:"records"`
	LastRowid  int64         `json:"last_rowid"`
	Paths      []string      `json:"paths"`
	Imports    []importPrint `json:"imports"`
}

// importPrint identifies a done import: its records never change.
type importPrint struct {
	ID       int64  `json:"id"`
	SHA256   string `json:"sha256"`
	Inserted int64  `json:"inserted"`
}

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// databaseID names the database the handle opened, without revealing its DSN.
func (db *DB) databaseID() string {
	h := sha256.Sum256([]byte(db.Dialect + "\x00" + db.DSN))
	return hex.EncodeToString(h[:])
}

// importPrints returns the prints of the done imports, by id.
func (db *DB) importPrints(ctx context.Context) (map[int64]importPrint, error) {
	out := map[int64]importPrint{}
	err := scanAll(ctx, db, func(rows *sql.Rows) error {
		var p importPrint
		err := rows.Scan(&p.ID, &p.SHA256, &p.Inserted)
		out[p.ID] = p
		return err
	}, `SELECT id, sha256, inserted FROM offense_imports WHERE status = ?`, aldyn.ImportDone)
	return out, db.normalize(err)
}

// blockColumns calls fn with the columns of the first m records of b,
// each as a []uint16 or a []uint8, and buf, a buffer of their size in
// bytes for fn's use (reused, so that saving or reading ten million
// records leaves no garbage).
func blockColumns(b *recBlock, m int, buf []byte, fn func(col any, buf []byte) error) error {
	for _, col := range []any{b.x[:m], b.y[:m], b.day[:m], b.terr[:m]} {
		if err := fn(col, buf[:2*m]); err != nil {
			return err
		}
	}
	for _, col := range []any{b.kind[:m], b.when[:m]} {
		if err := fn(col, buf[:m]); err != nil {
			return err
		}
	}
	return nil
}

// writeColumn writes a column in little-endian byte order through buf.
func writeColumn(w io.Writer, col any, buf []byte) error {
	switch c := col.(type) {
	case []uint16:
		for i, v := range c {
			binary.LittleEndian.PutUint16(buf[2*i:], v)
		}
	case []uint8:
		copy(buf, c)
	}
	_, err := w.Write(buf)
	return err
}

// readColumn reads a column written by writeColumn through buf.
func readColumn(r io.Reader, col any, buf []byte) error {
	if _, err := io.ReadFull(r, buf); err != nil {
		return err
	}
	switch c := col.(type) {
	case []uint16:
		for i := range c {
			c[i] = binary.LittleEndian.Uint16(buf[2*i:])
		}
	case []uint8:
		copy(c, buf)
	}
	return nil
}

// writeIndexFile saves idx to file, replacing it only once the new copy
// is whole on disk.
func (db *DB) writeIndexFile(ctx context.Context, file string, idx *recIndex) (err error) {
	prints, err := db.importPrints(ctx)
	if err != nil {
		return err
	}
	h := indexFileHeader{Database: db.databaseID(), Categories: aldyn.OffenseCategories,
		Records: idx.n, LastRowid: idx.lastRowid, Paths: idx.paths}
	for id := range idx.imports {
		p, ok := prints[id]
		if !ok {
			return fmt.Errorf("import %d is no longer done", id)
		}
		h.Imports = append(h.Imports, p)
	}
	sort.Slice(h.Imports, func(i, j int) bool { return h.Imports[i].ID < h.Imports[j].ID })
	head, err := json.Marshal(h)
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(file), ".offense-index-*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	crc := crc32.New(castagnoli)
	w := bufio.NewWriterSize(io.MultiWriter(tmp, crc), 1<<20)
	w.WriteString(indexFileMagic)
	binary.Write(w, binary.LittleEndian, uint32(len(head)))
	w.Write(head)
	buf := make([]byte, 2*recBlockSize)
	for i, b := range idx.blocks {
		if err := ctx.Err(); err != nil {
			return err
		}
		m := min(idx.n-i*recBlockSize, recBlockSize)
		if err := blockColumns(b, m, buf, func(col any, buf []byte) error { return writeColumn(w, col, buf) }); err != nil {
			return err
		}
	}
	if err := w.Flush(); err != nil {
		return err
	}
	if err := binary.Write(tmp, binary.LittleEndian, crc.Sum32()); err != nil {
		return err
	}
	if err := errors.Join(tmp.Sync(), tmp.Close()); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), file)
}

// readIndexFile reads the index saved in file. It returns nil when there
// is no file, and nil and why when the file is not this database's index
// as it stands.
func (db *DB) readIndexFile(ctx context.Context, file string) (*recIndex, string, error) {
	f, err := os.Open(file)
	if errors.Is(err, os.ErrNotExist) {
		return nil, "", nil
	}
	if err != nil {
		return nil, "", err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, "", err
	}
	if st.Size() < int64(len(indexFileMagic))+8 {
		return nil, "file too short", nil
	}
	crc := crc32.New(castagnoli)
	r := bufio.NewReaderSize(io.TeeReader(io.LimitReader(f, st.Size()-4), crc), 1<<20)
	magic := make([]byte, len(indexFileMagic))
	var n uint32
	if _, err := io.ReadFull(r, magic); err != nil || string(magic) != indexFileMagic {
		return nil, "not an index file of this version", nil
	}
	if err := binary.Read(r, binary.LittleEndian, &n); err != nil || int64(n) > st.Size() {
		return nil, "damaged header", nil
	}
	head := make([]byte, n)
	var h indexFileHeader
	if _, err := io.ReadFull(r, head); err != nil || json.Unmarshal(head, &h) != nil {
		return nil, "damaged header", nil
	}
	switch {
	case h.Database != db.databaseID():
		return nil, "saved for another database", nil
	case !slices.Equal(h.Categories, aldyn.OffenseCategories):
		return nil, "saved with other categories", nil
	case h.Records < 0 || len(h.Paths) > 1<<16:
		return nil, "damaged header", nil
	}
	prints, err := db.importPrints(ctx)
	if err != nil {
		return nil, "", err
	}
	idx := &recIndex{n: h.Records, paths: h.Paths, pathIdx: make(map[string]uint16, len(h.Paths)),
		imports: make(map[int64]bool, len(h.Imports)), lastRowid: h.LastRowid}
	var inserted int64
	for _, p := range h.Imports {
		if prints[p.ID] != p {
			return nil, fmt.Sprintf("import %d is not as it was when saved", p.ID), nil
		}
		idx.imports[p.ID] = true
		inserted += p.Inserted
	}
	if inserted != int64(h.Records) {
		return nil, "damaged header", nil
	}
	if db.Dialect == SQLite && h.LastRowid > 0 {
		// Later imports are read past this rowid: it must be the last
		// record of the saved imports still.
		var imp int64
		err := db.queryRow(ctx, `SELECT import_id FROM offenses WHERE rowid = ?`, h.LastRowid).Scan(&imp)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return nil, "", db.normalize(err)
		}
		if err != nil || !idx.imports[imp] {
			return nil, "the records are not as they were when saved", nil
		}
	}
	for i, p := range h.Paths {
		idx.pathIdx[p] = uint16(i)
	}
	buf := make([]byte, 2*recBlockSize)
	for start := 0; start < idx.n; start += recBlockSize {
		if err := ctx.Err(); err != nil {
			return nil, "", err
		}
		b := new(recBlock)
		m := min(idx.n-start, recBlockSize)
		if err := blockColumns(b, m, buf, func(col any, buf []byte) error { return readColumn(r, col, buf) }); err != nil {
			return nil, "file too short", nil
		}
		for i := range m {
			if int(b.terr[i]) >= len(idx.paths) || int(b.kind[i]&categoryMask) >= len(h.Categories) {
				return nil, "damaged records", nil
			}
		}
		idx.blocks = append(idx.blocks, b)
	}
	if _, err := r.ReadByte(); err != io.EOF {
		return nil, "file too long", nil
	}
	var sum uint32
	if err := binary.Read(f, binary.LittleEndian, &sum); err != nil || sum != crc.Sum32() {
		return nil, "checksum mismatch", nil
	}
	return idx, "", nil
}
