package web

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/aldyn-kg/aldyn"
	"github.com/aldyn-kg/aldyn/internal/store"
)

// Evidence files: PDF, PNG or JPEG as their content says, at most
// maxEvidenceBytes each and maxEvidenceFiles per report.
const (
	maxEvidenceBytes     = 10 << 20
	maxEvidenceFiles     = 5
	evidenceRequestLimit = maxEvidenceFiles*maxEvidenceBytes + 1<<20
	maxFormValueBytes    = 256 << 10
)

var evidenceTypes = map[string]string{"application/pdf": ".pdf", "image/png": ".png", "image/jpeg": ".jpg"}

// evidenceDir is where evidence files live: the configured directory, or
// one in the system's temporary directory.
func (s *Server) evidenceDir() (string, error) {
	dir := s.cfg.EvidenceDir
	if dir == "" {
		dir = filepath.Join(os.TempDir(), "aldyn-evidence")
	}
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return "", fmt.Errorf("evidence directory: %w", err)
	}
	return dir, nil
}

// openEvidenceFile opens the file stored under key; a missing file is
// ENOTFOUND with the message notFound.
func (s *Server) openEvidenceFile(key, notFound string) (*os.File, error) {
	if !validStorageKey(key) {
		return nil, errors.New("bad storage key")
	}
	dir, err := s.evidenceDir()
	if err != nil {
		return nil, err
	}
	f, err := os.Open(filepath.Join(dir, key))
	if errors.Is(err, os.ErrNotExist) {
		return nil, aldyn.Errorf(aldyn.ENOTFOUND, notFound)
	}
	return f, err
}

// validStorageKey guards the file system: keys are ours, 32 hex digits.
func validStorageKey(k string) bool {
	if len(k) != 32 {
		return false
	}
	_, err := hex.DecodeString(k)
	return err == nil
}

// stagedFile is an uploaded file written under a random name, not yet
// recorded in the store.
type stagedFile struct {
	store.ReportEvidence
	path string
}

// stageUpload reads one uploaded file into the evidence directory,
// checking its type by content and its size.
func (s *Server) stageUpload(name string, body io.Reader) (*stagedFile, error) {
	head, all, err := peek(body, 512)
	if err != nil {
		return nil, err
	}
	ctype, _, _ := mime.ParseMediaType(http.DetectContentType(head))
	if _, ok := evidenceTypes[ctype]; !ok || len(head) == 0 {
		return nil, fileError("reporting.error.file_type", name)
	}
	w, err := s.writeEvidenceFile(io.LimitReader(all, maxEvidenceBytes+1))
	if err != nil {
		return nil, err
	}
	if w.size > maxEvidenceBytes {
		os.Remove(w.path)
		return nil, aldyn.Errorf(aldyn.ETOOLARGE, "reporting.error.file_too_large", "name", name, "limit", byteSize(maxEvidenceBytes))
	}
	base := filepath.Base(strings.ReplaceAll(name, "\\", "/"))
	if base == "." || base == "/" || base == "" {
		base = "evidence" + evidenceTypes[ctype]
	}
	return &stagedFile{ReportEvidence: store.ReportEvidence{FileName: base, ContentType: ctype, Size: w.size, SHA256: w.sha256,
		StorageKey: w.key}, path: w.path}, nil
}

// peek reads the first n bytes of body (fewer if it is shorter), to tell
// its kind, and returns them with a reader of the whole body.
func peek(body io.Reader, n int) ([]byte, io.Reader, error) {
	head := make([]byte, n)
	k, err := io.ReadFull(body, head)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return nil, nil, err
	}
	head = head[:k]
	return head, io.MultiReader(bytes.NewReader(head), body), nil
}

// fileError is the error of an uploaded file: key names the reason, its
// "_short" form the reason under the files field.
func fileError(key, name string, args ...any) *aldyn.Error {
	e := aldyn.Errorf(aldyn.EINVALID, key, append([]any{"name", name}, args...)...)
	e.Fields = map[string]string{"files": key + "_short"}
	return e
}

// writtenFile is a file written to the evidence directory under a random
// storage key.
type writtenFile struct {
	key, path, sha256 string
	size              int64
}

// writeEvidenceFile writes src to a new file in the evidence directory; on
// an error nothing is left behind.
func (s *Server) writeEvidenceFile(src io.Reader) (*writtenFile, error) {
	dir, err := s.evidenceDir()
	if err != nil {
		return nil, err
	}
	var rnd [16]byte
	if _, err := rand.Read(rnd[:]); err != nil {
		return nil, err
	}
	key := hex.EncodeToString(rnd[:])
	path := filepath.Join(dir, key)
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o640)
	if err != nil {
		return nil, err
	}
	h := sha256.New()
	size, err := io.Copy(io.MultiWriter(f, h), src)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(path)
		return nil, err
	}
	return &writtenFile{key: key, path: path, sha256: hex.EncodeToString(h.Sum(nil)), size: size}, nil
}

func removeStaged(files []*stagedFile) {
	for _, f := range files {
		os.Remove(f.path)
	}
}

// multipartForm reads a multipart form with files: a part carrying a file,
// or named as one of fileFields, goes to add, which stages it, checks the
// count and returns the files so far; the other parts are its values, each
// at most maxFormValueBytes. On an error the files staged are removed.
type multipartForm[F any] struct {
	fileFields []string
	bad        error // the answer to a body that is not multipart
	add        func(files []F, name string, body io.Reader) ([]F, error)
	remove     func([]F)
}

func (m multipartForm[F]) read(r *http.Request) (url.Values, []F, error) {
	mr, err := r.MultipartReader()
	if err != nil {
		return nil, nil, m.bad
	}
	vals := url.Values{}
	var files []F
	fail := func(err error) (url.Values, []F, error) {
		m.remove(files)
		return nil, nil, err
	}
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			var mbe *http.MaxBytesError
			if errors.As(err, &mbe) {
				return fail(err)
			}
			return fail(m.bad)
		}
		name := part.FormName()
		if part.FileName() != "" || slices.Contains(m.fileFields, name) {
			if part.FileName() == "" {
				part.Close()
				continue // an empty file input
			}
			files, err = m.add(files, part.FileName(), part)
			part.Close()
			if err != nil {
				return fail(err)
			}
			continue
		}
		b, err := io.ReadAll(io.LimitReader(part, maxFormValueBytes+1))
		part.Close()
		if err != nil {
			return fail(err)
		}
		if len(b) > maxFormValueBytes {
			return fail(aldyn.Errorf(aldyn.ETOOLARGE, "error.too_large", "limit", byteSize(maxFormValueBytes)))
		}
		vals.Add(name, string(b))
	}
	return vals, files, nil
}

// readReportMultipart reads a report's multipart form, staging its files
// (fields "files" or "file") and returning its other values.
func (s *Server) readReportMultipart(r *http.Request) (url.Values, []*stagedFile, error) {
	return multipartForm[*stagedFile]{
		fileFields: []string{"files", "file"},
		bad:        aldyn.Errorf(aldyn.EINVALID, "error.bad_param", "param", "form"),
		add: func(files []*stagedFile, name string, body io.Reader) ([]*stagedFile, error) {
			if len(files) >= maxEvidenceFiles {
				return files, tooManyFiles()
			}
			f, err := s.stageUpload(name, body)
			if err != nil {
				return files, err
			}
			return append(files, f), nil
		},
		remove: removeStaged,
	}.read(r)
}

func tooManyFiles() error {
	return &aldyn.Error{Code: aldyn.EINVALID, Message: "reporting.error.too_many_files", Args: map[string]any{"max": maxEvidenceFiles},
		Fields: map[string]string{"files": "reporting.error.too_many_files_short"}}
}

// attachFiles records staged files on report id; files not recorded are
// removed.
func (s *Server) attachFiles(ctx context.Context, a *aldyn.Actor, reportID int64, files []*stagedFile) ([]*store.ReportEvidence, error) {
	if len(files) == 0 {
		return nil, nil
	}
	existing, err := s.db.FindEvidence(ctx, reportID)
	if err != nil {
		removeStaged(files)
		return nil, err
	}
	if len(existing)+len(files) > maxEvidenceFiles {
		removeStaged(files)
		return nil, tooManyFiles()
	}
	var out []*store.ReportEvidence
	for i, f := range files {
		e := f.ReportEvidence
		e.ReportID = reportID
		if err := s.db.AddReportEvidence(ctx, a, &e); err != nil {
			removeStaged(files[i:])
			return out, err
		}
		out = append(out, &e)
	}
	return out, nil
}

// Evidence files.

func (s *Server) uploadEvidence(r *http.Request) ([]*store.ReportEvidence, int64, error) {
	if err := requireSignedIn(r); err != nil {
		return nil, 0, err
	}
	rc, err := s.viewableReport(r)
	if err != nil {
		return nil, 0, err
	}
	a := actor(r)
	if !a.CanSubmitReport(rc.R.BodyID) {
		return nil, 0, aldyn.Errorf(aldyn.EFORBIDDEN, "report.error.submit_forbidden")
	}
	if !rc.R.CanEdit() {
		return nil, 0, aldyn.Errorf(aldyn.ECONFLICT, "reporting.error.locked")
	}
	_, files, err := s.readReportMultipart(r)
	if err != nil {
		return nil, 0, err
	}
	if len(files) == 0 {
		return nil, 0, &aldyn.Error{Code: aldyn.EINVALID, Message: "reporting.error.no_file", Fields: map[string]string{"files": "error.required"}}
	}
	es, err := s.attachFiles(r.Context(), a, rc.R.ID, files)
	return es, rc.R.ID, err
}

func (s *Server) reportEvidenceUpload(w http.ResponseWriter, r *http.Request) error {
	_, id, err := s.uploadEvidence(r)
	if err != nil {
		return err
	}
	return redirect(w, r, "/reports/"+strconv.FormatInt(id, 10), "reporting.evidence.added")
}

func (s *Server) apiEvidenceUpload(w http.ResponseWriter, r *http.Request) error {
	es, _, err := s.uploadEvidence(r)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, map[string]any{"items": evidenceOut(es)})
}

// evidenceOut hides where files are stored.
func evidenceOut(es []*store.ReportEvidence) []store.ReportEvidence {
	out := make([]store.ReportEvidence, len(es))
	for i, e := range es {
		out[i] = *e
		out[i].StorageKey = ""
	}
	return out
}

func (s *Server) evidenceByPath(r *http.Request) (*store.ReportEvidence, *reportCtx, error) {
	id, err := guardedID(r, requireSignedIn, "reporting.error.not_found")
	if err != nil {
		return nil, nil, err
	}
	e, err := s.db.FindEvidenceByID(r.Context(), id)
	if err != nil {
		return nil, nil, notFoundAs(err, "reporting.error.not_found")
	}
	rc, err := s.loadReport(r.Context(), e.ReportID)
	if err != nil {
		return nil, nil, err
	}
	if !canReadEvidence(actor(r), rc) {
		return nil, nil, forbidden()
	}
	return e, rc, nil
}

func (s *Server) evidenceDownload(w http.ResponseWriter, r *http.Request) error {
	e, _, err := s.evidenceByPath(r)
	if err != nil {
		return err
	}
	f, err := s.openEvidenceFile(e.StorageKey, "reporting.error.not_found")
	if err != nil {
		return fmt.Errorf("evidence %d: %w", e.ID, err)
	}
	defer f.Close()
	ctype := e.ContentType
	if _, ok := evidenceTypes[ctype]; !ok {
		ctype = "application/octet-stream"
	}
	h := w.Header()
	h.Set("Content-Type", ctype)
	h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": e.FileName}))
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "private, no-store")
	h.Set("Content-Length", strconv.FormatInt(e.Size, 10))
	_, err = io.Copy(w, f)
	return err
}

func (s *Server) evidenceDelete(w http.ResponseWriter, r *http.Request) error {
	e, rc, err := s.evidenceByPath(r)
	if err != nil {
		return err
	}
	if _, err := s.db.DeleteReportEvidence(r.Context(), actor(r), e.ID); err != nil {
		return err
	}
	if dir, err := s.evidenceDir(); err == nil && validStorageKey(e.StorageKey) {
		if err := os.Remove(filepath.Join(dir, e.StorageKey)); err != nil && !errors.Is(err, os.ErrNotExist) {
			s.log.Warn("remove evidence file", "evidence", e.ID, "err", err)
		}
	}
	return redirect(w, r, fmt.Sprintf("/cycles/%d/measures/%d/report", rc.C.ID, rc.M.ID), "common.deleted")
}
