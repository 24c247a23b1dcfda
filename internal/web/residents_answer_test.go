package web_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/aldyn-kg/aldyn"
	"github.com/aldyn-kg/aldyn/internal/residents"
)

// answerForm is the status form of /residents/{id} with a photo of the
// result, as a browser posts it.
func answerForm(tb testing.TB, status, answer, filename string, photo []byte) (string, string) {
	tb.Helper()
	var files []formFile
	if photo != nil {
		files = append(files, formFile{"photo", filename, photo})
	}
	return mustMultipart(tb, map[string]string{"status": status, "answer": answer}, files...)
}

// TestResidentAnswerPhoto: the body answers with a photo of the result;
// the photo goes through the residents' checks (content, size, metadata
// stripped: read back from storage), a wrong file or a photo on a
// rejection is refused and stores nothing, and the photo is shown with the
// answer on the tracking page (also of a report merged into it), on the
// public page once published, and to no one else before.
func TestResidentAnswerPhoto(t *testing.T) {
	f := mustFixture(t)
	ctx := context.Background()
	rr := mustResidentReport(t, f, "disorder_public", codeA)
	dup := mustResidentReport(t, f, "disorder_public", codeA)
	if err := f.db.MergeResidentReports(ctx, aldyn.System, dup.ID, rr.ID); err != nil {
		t.Fatal(err)
	}
	path := "/residents/" + mtID(rr.ID) + "/status"
	refused := []struct {
		name, status, file string
		photo              []byte
		want               int
	}{
		{"a PDF named .jpg", "answered", "result.jpg", []byte("%PDF-1.7\n1 0 obj\n<<>>\nendobj\n"), http.StatusBadRequest},
		{"a video", "answered", "result.mp4", residentsMP4(t), http.StatusBadRequest},
		{"oversize", "answered", "big.jpg", append(gpsJPEG(t), make([]byte, residents.MaxPhotoBytes)...), http.StatusRequestEntityTooLarge},
		{"with a rejection", "rejected", "result.jpg", gpsJPEG(t), http.StatusBadRequest},
	}
	for _, c := range refused {
		t.Run(c.name, func(t *testing.T) {
			ctype, body := answerForm(t, c.status, "Жарык калыбына келтирилди", c.file, c.photo)
			resp := f.do(t, reporterA, "POST", path, ctype, body)
			page := readBody(t, resp)
			if resp.StatusCode != c.want {
				t.Fatalf("status %d, want %d: %.300s", resp.StatusCode, c.want, page)
			}
			if c.want == http.StatusBadRequest && !strings.Contains(page, `id="e-photo"`) {
				t.Error("no error at the photo field")
			}
			got, _ := f.db.FindResidentReportByID(ctx, rr.ID)
			if got.Status != aldyn.ResidentReceived {
				t.Errorf("the report moved to %s", got.Status)
			}
			media, _ := f.db.FindResidentMedia(ctx, rr.ID)
			if len(media) != 0 {
				t.Errorf("%d files stored", len(media))
			}
		})
	}
	// The analyst sees the report but may not answer it.
	ctype, body := answerForm(t, "answered", "Жарык калыбына келтирилди, тел. 0555 987 654", "IMG_2001.jpg", gpsJPEG(t))
	if resp := f.do(t, analystA, "POST", path, ctype, body); resp.StatusCode != http.StatusForbidden {
		t.Fatalf("analyst: status %d, want 403", resp.StatusCode)
	}
	resp := f.do(t, reporterA, "POST", path, ctype, body)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("answer: status %d %.400s", resp.StatusCode, readBody(t, resp))
	}
	media, err := f.db.FindResidentMedia(ctx, rr.ID)
	if err != nil || len(media) != 1 || media[0].Kind != "answer" || media[0].ContentType != residents.JPEG {
		t.Fatalf("stored media %+v %v", media, err)
	}
	checkStoredPhoto(t, media[0].StorageKey, "stored photo of the result")
	entity := "resident_media"
	if entries, _, err := f.db.FindAuditEntries(ctx, aldyn.AuditFilter{Entity: &entity, Page: aldyn.Page{Limit: 10}}); err != nil || len(entries) != 1 {
		t.Errorf("audit of the photo: %d entries, %v", len(entries), err)
	}

	photoURL := "/reports/media/" + mtID(media[0].ID)
	img := regexp.MustCompile(`<img src="` + regexp.QuoteMeta(photoURL) + `(\?code=[a-z0-9]+)?"`)
	for _, code := range []string{rr.TrackingCode, dup.TrackingCode} {
		page := readBody(t, f.do(t, anon, "GET", "/reports/track/"+code, "", ""))
		m := img.FindStringSubmatch(page)
		if m == nil || !strings.Contains(page, `id="track-answer"`) {
			t.Fatalf("tracking page %s shows no photo of the result", code)
		}
		if strings.Contains(page, "987 654") {
			t.Error("the answer's phone shape is not redacted")
		}
		// The link works for the code's holder only.
		if resp := f.do(t, anon, "GET", photoURL+m[1], "", ""); resp.StatusCode != 200 || resp.Header.Get("Content-Type") != residents.JPEG {
			t.Errorf("photo with the code %s: %d %s", code, resp.StatusCode, resp.Header.Get("Content-Type"))
		}
	}
	if resp := f.do(t, anon, "GET", photoURL, "", ""); resp.StatusCode != http.StatusNotFound {
		t.Errorf("unpublished photo without a code: %d, want 404", resp.StatusCode)
	}
	if resp := f.do(t, anon, "GET", photoURL+"?code="+mustResidentReport(t, f, "disorder_public", codeA).TrackingCode, "", ""); resp.StatusCode != http.StatusNotFound {
		t.Errorf("photo with another report's code: %d, want 404", resp.StatusCode)
	}
	// Staff see it beside the answer; the public once the report is published.
	if page := readBody(t, f.do(t, coordinator, "GET", "/residents/"+mtID(rr.ID), "", "")); !strings.Contains(page, `src="`+photoURL+`"`) {
		t.Error("the staff page shows no photo of the result")
	}
	if err := f.db.ModerateResidentReport(ctx, aldyn.System, rr.ID, true, nil); err != nil {
		t.Fatal(err)
	}
	page := readBody(t, f.do(t, anon, "GET", "/reports/public/"+mtID(rr.ID), "", ""))
	if !strings.Contains(page, `id="public-answer"`) || !strings.Contains(page, `src="`+photoURL+`"`) {
		t.Error("the public page shows no photo of the result")
	}
	if resp := f.do(t, anon, "GET", photoURL, "", ""); resp.StatusCode != 200 {
		t.Errorf("published photo: %d, want 200", resp.StatusCode)
	}
}

// residentsMP4 is a minimal MP4 (ftyp, moov with one track, mdat).
func residentsMP4(tb testing.TB) []byte {
	tb.Helper()
	box := func(typ string, parts ...[]byte) []byte {
		body := bytes.Join(parts, nil)
		b := binary.BigEndian.AppendUint32(nil, uint32(8+len(body)))
		return append(append(b, typ...), body...)
	}
	sample := []byte("SAMPLE-DATA-0123456789")
	ftyp := box("ftyp", []byte("isom\x00\x00\x02\x00isomiso2avc1mp41"))
	mvhd := box("mvhd", []byte{0, 0, 0, 0}, []byte{0xE0, 1, 2, 3}, []byte{0xE0, 1, 2, 4}, make([]byte, 88))
	tkhd := box("tkhd", []byte{0, 0, 0, 3}, []byte{0xE0, 1, 2, 3}, []byte{0xE0, 1, 2, 4}, make([]byte, 72))
	mdhd := box("mdhd", []byte{0, 0, 0, 0}, []byte{0xE0, 1, 2, 3}, []byte{0xE0, 1, 2, 4}, make([]byte, 12))
	build := func(off uint32) []byte {
		stco := box("stco", []byte{0, 0, 0, 0}, []byte{0, 0, 0, 1}, binary.BigEndian.AppendUint32(nil, off))
		return append(append([]byte{}, ftyp...), box("moov", mvhd, box("trak", tkhd, box("mdia", mdhd, box("minf", box("stbl", stco)))))...)
	}
	head := build(0)
	return append(build(uint32(len(head)+8)), box("mdat", sample)...)
}
