package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"image"
	"image/jpeg"
	"maps"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aldyn-kg/aldyn"
	"github.com/aldyn-kg/aldyn/internal/residents"
	"github.com/aldyn-kg/aldyn/internal/store"
)

// residentData is the residents' part of the access matrix's fixture: a
// report in district A (routed to body A) with a photo, and one in B.
type residentData struct {
	rA, rB *aldyn.ResidentReport
	pub    *aldyn.ResidentReport // published
	key    string                // an Open311 api_key
	media  *store.ResidentMedia
}

// mustResidentCategory returns the seeded category with the given code.
func mustResidentCategory(tb testing.TB, f *fixture, code string) *aldyn.ResidentCategory {
	tb.Helper()
	c, err := f.db.FindResidentCategoryByCode(context.Background(), code)
	if err != nil {
		tb.Fatal(err)
	}
	return c
}

func mustResidentReport(tb testing.TB, f *fixture, code, territory string, media ...*store.ResidentMedia) *aldyn.ResidentReport {
	tb.Helper()
	ctx := context.Background()
	c := mustResidentCategory(tb, f, code)
	r := &aldyn.ResidentReport{CategoryID: c.ID, TerritoryCode: territory, Description: "Түнкүсүн көчөдө мушташ болот, тел. 0555 123 456",
		ContactPhone: "+996 700 111 222", ContactEmail: "planted@example.kg", Lang: "ky"}
	if err := f.db.CreateResidentReport(ctx, aldyn.Public, r, media); err != nil {
		tb.Fatal(err)
	}
	return r
}

func mustResidentData(tb testing.TB, f *fixture) *residentData {
	tb.Helper()
	dir := filepath.Join(os.TempDir(), "aldyn-evidence")
	if err := os.MkdirAll(dir, 0o750); err != nil {
		tb.Fatal(err)
	}
	key := "0123456789abcdef0123456789abcdef"
	if err := os.WriteFile(filepath.Join(dir, key), []byte("\x89PNG\r\n\x1a\n"), 0o640); err != nil {
		tb.Fatal(err)
	}
	d := &residentData{media: &store.ResidentMedia{ContentType: "image/png", Size: 8, SHA256: "x", StorageKey: key}}
	// A unique key per fixture: the media table's storage keys are unique.
	d.rA = mustResidentReport(tb, f, "disorder_public", codeA, d.media)
	d.rB = mustResidentReport(tb, f, "disorder_public", codeB)
	d.pub = mustResidentReport(tb, f, "disorder_public", codeA)
	if err := f.db.ModerateResidentReport(context.Background(), aldyn.System, d.pub.ID, true, nil); err != nil {
		tb.Fatal(err)
	}
	var err error
	if _, d.key, err = f.db.CreateOpen311Key(context.Background(), aldyn.System, "matrix"); err != nil {
		tb.Fatal(err)
	}
	return d
}

func residentFormBody(tb testing.TB, fields map[string]string) (string, string) {
	v := url.Values{}
	for k, x := range fields {
		v.Set(k, x)
	}
	return formMultipart(v)
}

// formMultipart is a multipart form of v, several values of a name in turn.
func formMultipart(v url.Values) (string, string) {
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, xs := range v {
		for _, x := range xs {
			mw.WriteField(k, x)
		}
	}
	mw.Close()
	return mw.FormDataContentType(), buf.String()
}

func init() {
	moduleCases = append(moduleCases, func(tb testing.TB, f *fixture) []matrixCase {
		d := mustResidentData(tb, f)
		const see, unauth, forbid, notFound, bad = http.StatusSeeOther, http.StatusUnauthorized, http.StatusForbidden, http.StatusNotFound, http.StatusBadRequest
		const form, js = "application/x-www-form-urlencoded", "application/json"
		cat := mustResidentCategory(tb, f, "disorder_public")
		ctype, body := residentFormBody(tb, map[string]string{"category_id": mtID(cat.ID), "territory_code": codeA,
			"description": "Көчө чырагы бир айдан бери күйбөйт"})
		a, b := mtID(d.rA.ID), mtID(d.rB.ID)
		// Those who handle A's report: its body's reporter, A's coordinator
		// and administrators; the analyst sees it but may not act.
		handles := func(anonStatus, ok int) expect {
			return expect{def: ok, byRole: map[string]int{anon: anonStatus, analystA: forbid}}
		}
		onlyKG := func(anonStatus, ok int) expect {
			return expect{def: notFound, byRole: map[string]int{anon: anonStatus, adminKG: ok}}
		}
		return []matrixCase{
			{method: "GET", path: "/report", want: all(200)},
			{method: "GET", path: "/report?category=violence_home", route: "/report", want: all(200)},
			{method: "POST", path: "/report", ctype: ctype, body: body, want: all(see)},
			{method: "GET", path: "/reports/track/" + d.rA.TrackingCode, route: "/reports/track/{code}", want: all(200)},
			{method: "GET", path: "/reports/track/aaaaaaaaaaaaaaaaaaaa", route: "/reports/track/{code}", want: all(notFound)},
			{method: "POST", path: "/reports/track/" + d.rA.TrackingCode + "/support", route: "/reports/track/{code}/support", want: all(see)},
			// An unpublished report's photo: staff who see the report only.
			{method: "GET", path: "/reports/media/" + mtID(d.media.ID), route: "/reports/media/{id}", want: expect{def: 200, byRole: map[string]int{anon: notFound}}},
			{method: "GET", path: "/reports/media/" + mtID(d.media.ID) + "?code=" + d.rA.TrackingCode, route: "/reports/media/{id}", want: all(200)},
			{method: "GET", path: "/residents", want: signedIn(see, 200)},
			{method: "GET", path: "/residents?format=csv", route: "/residents", want: signedIn(see, 200)},
			{method: "GET", path: "/residents/" + a, route: "/residents/{id}", want: signedIn(see, 200)},
			{method: "GET", path: "/residents/" + b, route: "/residents/{id}", want: onlyKG(see, 200)},
			// An answer without text is refused; that the actor may try is what counts.
			{method: "POST", path: "/residents/" + a + "/status", route: "/residents/{id}/status", ctype: form, body: "status=answered&answer=", want: handles(unauth, bad)},
			{method: "POST", path: "/residents/" + b + "/status", route: "/residents/{id}/status", ctype: form, body: "status=answered&answer=", want: onlyKG(unauth, bad)},
			{method: "POST", path: "/residents/" + a + "/notes", route: "/residents/{id}/notes", ctype: form, body: "text=Белги", want: handles(unauth, see)},
			{method: "POST", path: "/residents/" + b + "/notes", route: "/residents/{id}/notes", ctype: form, body: "text=Белги", want: onlyKG(unauth, see)},
			{method: "POST", path: "/residents/" + a + "/reassign", route: "/residents/{id}/reassign", ctype: form,
				body: "reason=x&body_id=" + mtID(f.bodyA.ID), want: handles(unauth, bad)},
			{method: "POST", path: "/residents/" + a + "/merge", route: "/residents/{id}/merge", ctype: form, body: "into=" + a, want: handles(unauth, bad)},
			{method: "POST", path: "/residents/" + a + "/moderate", route: "/residents/{id}/moderate", ctype: form, body: "published=0", want: handles(unauth, see)},
			{method: "POST", path: "/residents/" + b + "/moderate", route: "/residents/{id}/moderate", ctype: form, body: "published=0", want: onlyKG(unauth, see)},
			{method: "GET", path: "/reports", want: all(200)},
			{method: "GET", path: "/reports?category=disorder_public&territory=" + codeA + "&status=received&from=2020-01-01&to=2030-01-01", route: "/reports", want: all(200)},
			{method: "GET", path: "/reports?territory=nowhere", route: "/reports", want: all(bad)},
			// Published in a public category: everyone; unpublished: no one.
			{method: "GET", path: "/reports/public/" + mtID(d.pub.ID), route: "/reports/public/{id}", want: all(200)},
			{method: "GET", path: "/reports/public/" + a, route: "/reports/public/{id}", want: all(notFound)},
			{method: "POST", path: "/reports/public/" + mtID(d.pub.ID) + "/support", route: "/reports/public/{id}/support", want: all(see)},
			{method: "GET", path: "/api/v1/public-reports", want: all(200)},
			{method: "GET", path: "/api/v1/public-reports/map?bbox=69,39,81,44&zoom=7", route: "/api/v1/public-reports/map", want: all(200)},
			{method: "GET", path: "/api/v1/public-reports/map?bbox=1,2", route: "/api/v1/public-reports/map", want: all(bad)},
			{method: "GET", path: "/api/v1/resident-categories", want: all(200)},
			// Categories: national administrators only; a bad body is refused.
			{method: "POST", path: "/api/v1/resident-categories", ctype: js, body: `{"code":"x"}`,
				want: expect{def: forbid, byRole: map[string]int{anon: unauth, adminKG: bad}}},
			{method: "PUT", path: "/api/v1/resident-categories/" + mtID(cat.ID), route: "/api/v1/resident-categories/{id}", ctype: js,
				body: `{"code":"disorder_public","name":{"ky":"Тартип бузуу","ru":"Нарушение порядка","en":"Disorder"},"body_types":["police"],"deadline_days":10,"public":true,"active":true,"position":10}`,
				want: expect{def: forbid, byRole: map[string]int{anon: unauth, adminKG: 200}}},
			// Open311: public reads; POST needs an api_key, not an account.
			{method: "GET", path: "/open311/v2/discovery.json", route: "/open311/v2/{file}", want: all(200)},
			{method: "GET", path: "/open311/v2/services.xml", route: "/open311/v2/{file}", want: all(200)},
			{method: "GET", path: "/open311/v2/requests.json", route: "/open311/v2/{file}", want: all(200)},
			{method: "GET", path: "/open311/v2/services/disorder_public.json", route: "/open311/v2/services/{file}", want: all(200)},
			{method: "GET", path: "/open311/v2/requests/" + mtID(d.pub.ID) + ".xml", route: "/open311/v2/requests/{file}", want: all(200)},
			{method: "GET", path: "/open311/v2/tokens/" + d.rA.TrackingCode + ".json", route: "/open311/v2/tokens/{file}", want: all(200)},
			{method: "POST", path: "/open311/v2/requests.json", route: "/open311/v2/{file}", ctype: form,
				body: "service_code=disorder_public&lat=42.97&long=74.70", want: all(forbid)},
			{method: "POST", path: "/open311/v2/requests.json", route: "/open311/v2/{file}", ctype: form,
				body: "api_key=" + d.key + "&service_code=disorder_public&lat=42.97&long=74.70&description=Түнкүсүн+ызы-чуу+болот", want: all(http.StatusCreated)},
			{method: "GET", path: "/api/v1/resident-reports", want: signedIn(unauth, 200)},
			{method: "GET", path: "/api/v1/resident-reports/" + a, route: "/api/v1/resident-reports/{id}", want: signedIn(unauth, 200)},
			{method: "GET", path: "/api/v1/resident-reports/" + b, route: "/api/v1/resident-reports/{id}", want: onlyKG(unauth, 200)},
			{method: "POST", path: "/api/v1/resident-reports/" + a + "/transition", route: "/api/v1/resident-reports/{id}/transition", ctype: js,
				body: `{"status":"answered","text":""}`, want: handles(unauth, bad)},
		}
	})
}

// gpsJPEG is a small JPEG carrying an EXIF segment with a GPS position
// and a comment naming someone.
func gpsJPEG(tb testing.TB) []byte {
	tb.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 16, 16))
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, nil); err != nil {
		tb.Fatal(err)
	}
	b := buf.Bytes()
	seg := func(m byte, payload string) []byte {
		n := len(payload) + 2
		return append([]byte{0xFF, m, byte(n >> 8), byte(n)}, payload...)
	}
	out := append([]byte{}, b[:2]...)
	out = append(out, seg(0xE1, "Exif\x00\x00II*\x00\x08\x00\x00\x00GPSLatitude=42.8746N GPSLongitude=74.5698E")...)
	out = append(out, seg(0xFE, "Photo by Aibek Asanov")...)
	return append(out, b[2:]...)
}

// checkStoredPhoto reads the evidence file stored under key (what names it
// in errors) and checks it keeps none of the metadata the test photo
// carries (EXIF, GPS, position, author) and still decodes as a JPEG.
func checkStoredPhoto(t *testing.T, key, what string) {
	t.Helper()
	stored, err := os.ReadFile(filepath.Join(os.TempDir(), "aldyn-evidence", key))
	if err != nil {
		t.Fatal(err)
	}
	for _, leak := range []string{"Exif", "GPS", "42.8746", "Aibek"} {
		if bytes.Contains(stored, []byte(leak)) {
			t.Errorf("%q in the %s", leak, what)
		}
	}
	if _, err := jpeg.Decode(bytes.NewReader(stored)); err != nil {
		t.Errorf("stored photo does not decode: %v", err)
	}
}

// submitResident posts the report form as a browser would, with files.
func submitResident(tb testing.TB, f *fixture, c *http.Client, fields map[string]string, files map[string][]byte) *http.Response {
	tb.Helper()
	var ff []formFile
	for name, content := range files {
		ff = append(ff, formFile{"files", name, content})
	}
	ctype, body := mustMultipart(tb, fields, ff...)
	req, _ := http.NewRequest("POST", f.srv.URL+"/report", strings.NewReader(body))
	req.Header.Set("Content-Type", ctype)
	resp, err := c.Do(req)
	if err != nil {
		tb.Fatal(err)
	}
	return resp
}

func TestResidentReportFlow(t *testing.T) {
	f := mustFixture(t)
	ctx := context.Background()
	cat := mustResidentCategory(t, f, "disorder_public")
	fields := map[string]string{"category_id": mtID(cat.ID), "territory_code": codeA, "address": "Ленин көчөсү",
		"description":   "Кечинде сейил бакта мас адамдар мушташат. Айбек Асанов, ПИН 21203199012345, тел. 0555 987 654, aibek@example.kg",
		"contact_phone": "+996 700 111 222", "contact_email": "planted@example.kg"}
	c := noRedirect()

	t.Run("a PDF named .jpg is refused", func(t *testing.T) {
		resp := submitResident(t, f, c, fields, map[string][]byte{"photo.jpg": []byte("%PDF-1.7\n1 0 obj\n<<>>\nendobj\n")})
		body := readBody(t, resp)
		if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "photo.jpg") || !strings.Contains(body, "JPEG") {
			t.Fatalf("got %d, want 400 naming the file; %.400s", resp.StatusCode, body)
		}
	})
	t.Run("an oversize photo is refused", func(t *testing.T) {
		big := append(gpsJPEG(t), make([]byte, residents.MaxPhotoBytes)...)
		resp := submitResident(t, f, c, fields, map[string][]byte{"big.jpg": big})
		body := readBody(t, resp)
		if resp.StatusCode != http.StatusRequestEntityTooLarge || !strings.Contains(body, "big.jpg") || !strings.Contains(body, "10") {
			t.Fatalf("got %d, want 413 naming the file and the limit; %.400s", resp.StatusCode, body)
		}
	})
	if _, n, _ := f.db.FindResidentReports(ctx, aldyn.ResidentReportFilter{}); n != 0 {
		t.Fatalf("refused submissions stored %d reports", n)
	}
	t.Run("the honeypot stores nothing", func(t *testing.T) {
		hp := maps.Clone(fields)
		hp["website"] = "http://spam.example"
		resp := submitResident(t, f, c, hp, nil)
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("got %d", resp.StatusCode)
		}
		if _, n, _ := f.db.FindResidentReports(ctx, aldyn.ResidentReportFilter{}); n != 0 {
			t.Fatalf("the honeypot stored %d reports", n)
		}
	})

	resp := submitResident(t, f, c, fields, map[string][]byte{"IMG_0001.jpg": gpsJPEG(t)})
	loc := resp.Header.Get("Location")
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/reports/track/") {
		t.Fatalf("got %d to %q; %.500s", resp.StatusCode, loc, readBody(t, resp))
	}
	code := strings.TrimSuffix(strings.TrimPrefix(loc, "/reports/track/"), "?new=1")
	rr, err := f.db.FindResidentReportByCode(ctx, code)
	if err != nil {
		t.Fatal(err)
	}
	if rr.BodyID != f.bodyA.ID || rr.MediaCount != 1 {
		t.Fatalf("routed to %d with %d files, want body A with 1", rr.BodyID, rr.MediaCount)
	}
	// The photo as stored carries no EXIF, no position, no comment.
	media, err := f.db.FindResidentMedia(ctx, rr.ID)
	if err != nil || len(media) != 1 {
		t.Fatal(media, err)
	}
	checkStoredPhoto(t, media[0].StorageKey, "stored photo")

	// The tracking page: status, no contact details, personal data redacted.
	get := func(path string) string {
		resp, err := c.Get(f.srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		if resp.StatusCode != 200 {
			t.Fatalf("GET %s: %d", path, resp.StatusCode)
		}
		return readBody(t, resp)
	}
	page := get("/reports/track/" + code)
	for _, leak := range []string{"700 111 222", "planted@example.kg", "21203199012345", "987 654", "aibek@example.kg"} {
		if strings.Contains(page, leak) {
			t.Errorf("tracking page shows %q", leak)
		}
	}
	if !strings.Contains(page, `id="track-status"`) {
		t.Error("no status on the tracking page")
	}
	// The body answers; the resident sees the answer.
	if _, err := f.db.TransitionResidentReport(ctx, &aldyn.Actor{UserID: f.users[reporterA].ID, Login: "reportera", Role: aldyn.RoleReporter,
		BodyID: f.bodyA.ID}, rr.ID, aldyn.ResidentAnswered, "Патрулдук кароо күчөтүлдү"); err != nil {
		t.Fatal(err)
	}
	if page = get("/reports/track/" + code); !strings.Contains(page, "Патрулдук кароо күчөтүлдү") {
		t.Error("the answer is not on the tracking page")
	}
	// Staff see the contact details.
	staff := readBody(t, f.do(t, reporterA, "GET", "/residents/"+mtID(rr.ID), "", ""))
	if !strings.Contains(staff, "planted@example.kg") {
		t.Error("the handling body does not see the contact")
	}
}

func TestResidentRateLimit(t *testing.T) {
	f := mustFixture(t)
	cat := mustResidentCategory(t, f, "disorder_public")
	fields := map[string]string{"category_id": mtID(cat.ID), "territory_code": codeA, "description": "Көчө чырагы күйбөйт, караңгы"}
	c := noRedirect()
	var last int
	for i := 0; i < 11; i++ {
		resp := submitResident(t, f, c, fields, nil)
		readBody(t, resp)
		last = resp.StatusCode
		if i < 10 && last != http.StatusSeeOther {
			t.Fatalf("submission %d: %d", i+1, last)
		}
	}
	if last != http.StatusTooManyRequests {
		t.Fatalf("the 11th submission in an hour: got %d, want 429", last)
	}
}

// TestResidentEscalation: with a fake clock, a report unanswered after its
// deadline is escalated once to district A's commission, which is
// notified, and shown red on the staff list.
func TestResidentEscalation(t *testing.T) {
	f := mustFixture(t)
	ctx := context.Background()
	now := time.Date(2026, 3, 6, 9, 0, 0, 0, time.UTC) // a Friday
	f.db.Now = func() time.Time { return now }
	comm := &aldyn.Body{TerritoryCode: codeA, Type: "coordination_commission", NameKy: "Комиссия", NameRu: "Комиссия", NameEn: "Commission"}
	if err := f.db.CreateBody(ctx, aldyn.System, comm); err != nil {
		t.Fatal(err)
	}
	// 10 working days, 20 March (Orozo Ait) not counted: due 23 March.
	r := mustResidentReport(t, f, "disorder_public", codeA)
	if got := r.DueOn.Format(time.DateOnly); got != "2026-03-23" {
		t.Fatalf("due %s", got)
	}
	count := func() int {
		_, n, err := f.db.FindNotifications(ctx, store.NotificationFilter{BodyID: comm.ID})
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	now = time.Date(2026, 3, 23, 18, 0, 0, 0, time.UTC)
	if err := f.web.EscalateResidents(ctx, ""); err != nil || count() != 0 {
		t.Fatalf("escalated on its due day: %v, %d notifications", err, count())
	}
	now = time.Date(2026, 3, 24, 8, 0, 0, 0, time.UTC)
	for i := 0; i < 2; i++ {
		if err := f.web.EscalateResidents(ctx, ""); err != nil {
			t.Fatal(err)
		}
	}
	if count() != 1 {
		t.Fatalf("%d notifications to the commission, want 1", count())
	}
	list := readBody(t, f.do(t, coordinator, "GET", "/residents", "", ""))
	if !strings.Contains(list, `class="overdue" data-resident="`+mtID(r.ID)+`"`) {
		t.Errorf("the overdue report is not shown red: %.2000s", list)
	}
}

// TestResidentPublicPagesLeakNothing plants a phone, an e-mail and a
// personal number in a published report's description and contact fields,
// and a pin, and scans every public page and API answer for them.
func TestResidentPublicPagesLeakNothing(t *testing.T) {
	f := mustFixture(t)
	ctx := context.Background()
	cat := mustResidentCategory(t, f, "disorder_public")
	lat, lon, plat, plon := 42.873456, 74.612345, 42.873, 74.612
	r := &aldyn.ResidentReport{CategoryID: cat.ID, TerritoryCode: codeA, Lat: &lat, Lon: &lon, PublicLat: &plat, PublicLon: &plon,
		Description: "Сосед Бакыт Осмонов (ПИН 21203199012345) продаёт, звоните 0555 987 654 или пишите bakyt@example.kg",
		ContactName: "Айгүл Сыдыкова", ContactPhone: "+996 700 111 222", ContactEmail: "planted@example.kg", Lang: "ru"}
	if err := f.db.CreateResidentReport(ctx, aldyn.Public, r, nil); err != nil {
		t.Fatal(err)
	}
	if err := f.db.ModerateResidentReport(ctx, aldyn.System, r.ID, true, []string{"Бакыт Осмонов"}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.db.TransitionResidentReport(ctx, aldyn.System, r.ID, aldyn.ResidentAnswered, "Связались с заявителем по 0555 987 654"); err != nil {
		t.Fatal(err)
	}
	if err := f.db.AddResidentNote(ctx, aldyn.System, &aldyn.ResidentNote{ReportID: r.ID, Text: "СЛУЖЕБНАЯ-ЗАМЕТКА"}); err != nil {
		t.Fatal(err)
	}
	planted := []string{"21203199012345", "987 654", "bakyt@example.kg", "700 111 222", "planted@example.kg", "Айгүл", "Бакыт", "Осмонов",
		"42.873456", "74.612345", "СЛУЖЕБНАЯ-ЗАМЕТКА", r.TrackingCode}
	id := mtID(r.ID)
	for _, path := range []string{"/reports", "/reports/public/" + id, "/api/v1/public-reports", "/api/v1/public-reports?territory=" + codeA,
		"/api/v1/public-reports/map?bbox=69,39,81,44&zoom=16", "/api/v1/public-reports/map"} {
		resp := f.do(t, anon, "GET", path, "", "")
		body := readBody(t, resp)
		if resp.StatusCode != 200 {
			t.Fatalf("%s: %d", path, resp.StatusCode)
		}
		if !strings.Contains(body, id) {
			t.Errorf("%s does not show the report", path)
		}
		for _, p := range planted {
			if strings.Contains(body, p) {
				t.Errorf("%s shows %q", path, p)
			}
		}
	}
}

// TestResidentCategoryAttributesForm: a national administrator gives a
// category questions on its page and in the API; every bad question is an
// error at the field, in the page and in the API.
func TestResidentCategoryAttributesForm(t *testing.T) {
	f := mustFixture(t)
	ctx := context.Background()
	cat := mustResidentCategory(t, f, "other")
	const form, js = "application/x-www-form-urlencoded", "application/json"
	good := `[{"code": "noise_kind", "datatype": "singlevaluelist", "required": true, "order": 1,
	  "description": {"ky": "Кандай ызы-чуу?", "ru": "Какой шум?", "en": "What kind of noise?"},
	  "values": [{"key": "music", "name": {"ky": "Музыка", "ru": "Музыка", "en": "Music"}},
	             {"key": "works", "name": {"ky": "Курулуш иштери", "ru": "Строительные работы", "en": "Building works"}}]}]`
	page := func(attrs string) url.Values {
		return url.Values{"name_ky": {"Башка"}, "name_ru": {"Другое"}, "name_en": {"Other"}, "body_types": {"police"},
			"deadline_days": {"15"}, "public": {"1"}, "active": {"1"}, "position": {"90"}, "attributes": {attrs}}
	}
	broken := map[string]string{
		"not JSON":                  `[{"code": "noise_kind",`,
		"an unknown name":           `[{"code": "noise_kind", "datatype": "string", "widget": "slider"}]`,
		"unknown datatype":          strings.Replace(good, "singlevaluelist", "dropdown", 1),
		"list type without values":  `[{"code": "noise_kind", "datatype": "multivaluelist", "description": {"ky": "Кандай?", "ru": "Какой?", "en": "Which?"}, "values": []}]`,
		"duplicate code":            "[" + good[1:len(good)-1] + "," + good[1:len(good)-1] + "]",
		"duplicate key":             strings.Replace(good, `"key": "works"`, `"key": "music"`, 1),
		"bad code shape":            strings.Replace(good, `"code": "noise_kind"`, `"code": "Noise kind"`, 1),
		"a question without Kyrgyz": strings.Replace(good, `"ky": "Кандай ызы-чуу?"`, `"ky": ""`, 1),
	}
	for name, attrs := range broken {
		t.Run(name, func(t *testing.T) {
			resp := f.do(t, adminKG, "POST", "/resident-categories/"+mtID(cat.ID), form, page(attrs).Encode())
			body := readBody(t, resp)
			if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, `id="e-attributes"`) {
				t.Fatalf("page: got %d, want 400 with an error at attributes", resp.StatusCode)
			}
			var in map[string]any
			json.Unmarshal([]byte(`{"name": {"ky": "Башка", "ru": "Другое", "en": "Other"}, "body_types": ["police"], "deadline_days": 15}`), &in)
			var list any
			if err := json.Unmarshal([]byte(attrs), &list); err != nil {
				return // not JSON: the API's body would not be either
			}
			in["attributes"] = list
			b, _ := json.Marshal(in)
			resp = f.do(t, adminKG, "PUT", "/api/v1/resident-categories/"+mtID(cat.ID), js, string(b))
			body = readBody(t, resp)
			want := "attributes"
			if name == "an unknown name" {
				want = "widget" // the API names the unknown name itself
			}
			if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, want) {
				t.Errorf("API: got %d, want 400 naming %s: %s", resp.StatusCode, want, body)
			}
		})
	}
	resp := f.do(t, adminKG, "POST", "/resident-categories/"+mtID(cat.ID), form, page(good).Encode())
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("save: %d %s", resp.StatusCode, readBody(t, resp))
	}
	c, err := f.db.FindResidentCategoryByID(ctx, cat.ID)
	if err != nil || len(c.Attributes) != 1 || c.Attributes[0].Values[1].Name.RU != "Строительные работы" || !c.Attributes[0].Required {
		t.Fatalf("saved %+v %v", c, err)
	}
	// The page shows the questions back as they are stored.
	if body := readBody(t, f.do(t, adminKG, "GET", "/resident-categories/"+mtID(cat.ID), "", "")); !strings.Contains(body, "Строительные работы") {
		t.Error("the edit page does not show the questions")
	}
	// The API replaces them: an empty list takes them away.
	resp = f.do(t, adminKG, "PUT", "/api/v1/resident-categories/"+mtID(cat.ID), js,
		`{"name": {"ky": "Башка", "ru": "Другое", "en": "Other"}, "body_types": ["police"], "deadline_days": 15, "active": true, "public": true, "attributes": []}`)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("API: %d %s", resp.StatusCode, readBody(t, resp))
	}
	if c, _ = f.db.FindResidentCategoryByID(ctx, cat.ID); len(c.Attributes) != 0 {
		t.Errorf("after the API's empty list: %+v", c.Attributes)
	}
}

// TestResidentFormAttributes: /report asks the chosen category's
// questions, refuses bad answers at their fields, stores good ones; the
// staff page shows every answer, the public page the list answers only,
// never what the resident typed.
func TestResidentFormAttributes(t *testing.T) {
	f := mustFixture(t)
	ctx := context.Background()
	cat := mustResidentCategory(t, f, "other")
	cat.Attributes = []aldyn.CategoryAttribute{
		{Code: "noise_kind", Datatype: aldyn.AttributeSingleValueList, Required: true, Order: 1,
			Description: aldyn.Text{KY: "Кандай ызы-чуу?", RU: "Какой шум?", EN: "What kind of noise?"},
			Values: []aldyn.AttributeValue{{Key: "music", Name: aldyn.Text{KY: "Катуу музыка", RU: "Громкая музыка", EN: "Loud music"}},
				{Key: "works", Name: aldyn.Text{KY: "Курулуш иштери", RU: "Строительные работы", EN: "Building works"}}}},
		{Code: "where_exactly", Datatype: aldyn.AttributeString, Order: 2,
			Description: aldyn.Text{KY: "Так кай жерде?", RU: "Где именно?", EN: "Where exactly?"}},
	}
	if err := f.db.UpdateResidentCategory(ctx, aldyn.System, cat); err != nil {
		t.Fatal(err)
	}
	body := readBody(t, f.do(t, anon, "GET", "/report", "", ""))
	for _, want := range []string{`data-attributes-for="` + mtID(cat.ID) + `"`, `name="attribute[noise_kind]"`, `value="works"`, `name="attribute[where_exactly]"`} {
		if !strings.Contains(body, want) {
			t.Errorf("/report lacks %s", want)
		}
	}
	report := url.Values{"category_id": {mtID(cat.ID)}, "territory_code": {codeA}, "description": {"Түн ичинде короодо катуу ызы-чуу болот"}}
	// A required question left out, then an answer not in the list.
	for name, v := range map[string]string{"required missing": "", "unknown key": "fireworks"} {
		r := url.Values{}
		for k, x := range report {
			r[k] = x
		}
		if v != "" {
			r.Set("attribute[noise_kind]", v)
		}
		ctype, b := formMultipart(r)
		resp := f.do(t, anon, "POST", "/report", ctype, b)
		body := readBody(t, resp)
		if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, `id="e-attr-`+mtID(cat.ID)+`-noise_kind"`) {
			t.Errorf("%s: got %d, want 400 with the error at the question", name, resp.StatusCode)
		}
	}
	report.Set("attribute[noise_kind]", "music")
	report.Set("attribute[where_exactly]", "Бакыттын үйүнүн жанында")
	ctype, b := formMultipart(report)
	resp := f.do(t, anon, "POST", "/report", ctype, b)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("send: %d %s", resp.StatusCode, readBody(t, resp))
	}
	code := strings.TrimPrefix(strings.SplitN(resp.Header.Get("Location"), "?", 2)[0], "/reports/track/")
	rr, err := f.db.FindResidentReportByCode(ctx, code)
	if err != nil || rr.Attributes["noise_kind"][0] != "music" || rr.Attributes["where_exactly"][0] != "Бакыттын үйүнүн жанында" {
		t.Fatalf("stored %+v %v", rr, err)
	}
	staff := readBody(t, f.do(t, adminKG, "GET", "/residents/"+mtID(rr.ID), "", ""))
	for _, want := range []string{"Катуу музыка", "Бакыттын үйүнүн жанында"} {
		if !strings.Contains(staff, want) {
			t.Errorf("staff page lacks %q", want)
		}
	}
	if err := f.db.ModerateResidentReport(ctx, aldyn.System, rr.ID, true, nil); err != nil {
		t.Fatal(err)
	}
	public := readBody(t, f.do(t, anon, "GET", "/reports/public/"+mtID(rr.ID), "", ""))
	if !strings.Contains(public, "Катуу музыка") || strings.Contains(public, "Бакыттын") || strings.Contains(public, "Так кай жерде") {
		t.Errorf("public page: list answer shown %v, free answer hidden %v", strings.Contains(public, "Катуу музыка"), !strings.Contains(public, "Бакыттын"))
	}
	api := readBody(t, f.do(t, anon, "GET", "/api/v1/public-reports", "", ""))
	if strings.Contains(api, "Бакыттын") {
		t.Error("the public API shows a free answer")
	}
}
