package web_test

import (
	"bufio"
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/aldyn-kg/aldyn"
	"github.com/aldyn-kg/aldyn/internal/web"
)

// TestSlowBodyReadTimeout sends request bodies a piece at a time over
// about a second: an ordinary route stops reading at its short read
// timeout (and creates nothing), an upload route reads on to the end.
func TestSlowBodyReadTimeout(t *testing.T) {
	f := mustFixture(t)
	s, err := web.New(web.Config{ReadTimeout: 100 * time.Millisecond, UploadReadTimeout: time.Minute}, f.db, f.auth,
		slog.New(slog.NewTextHandler(tbWriter{t}, &slog.HandlerOptions{Level: slog.LevelError})))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(s.Handler())
	defer srv.Close()
	// slowPost sends body in five pieces 250 ms apart and returns the
	// status of the answer, or 0 when the server closed the connection.
	slowPost := func(path, ctype, body string) int {
		t.Helper()
		conn, err := net.Dial("tcp", srv.Listener.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		fmt.Fprintf(conn, "POST %s HTTP/1.1\r\nHost: aldyn\r\nAuthorization: Bearer %s\r\nContent-Type: %s\r\nContent-Length: %d\r\n\r\n",
			path, f.tokens[adminKG], ctype, len(body))
		n := (len(body) + 4) / 5
		for i := 0; i < len(body); i += n {
			time.Sleep(250 * time.Millisecond)
			if _, err := conn.Write([]byte(body[i:min(i+n, len(body))])); err != nil {
				return 0
			}
		}
		resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
		if err != nil {
			return 0
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	ctx := context.Background()
	_, before, err := f.db.FindBodies(ctx, aldyn.BodyFilter{})
	if err != nil {
		t.Fatal(err)
	}
	body := `{"type":"ngo","territory_code":"` + codeA + `","name_ky":"Жай","name_ru":"Медленный","name_en":"Slow"}`
	if got := slowPost("/api/v1/bodies", "application/json", body); got == http.StatusCreated {
		t.Errorf("slow body to an ordinary route: got status %d, want it cut off", got)
	}
	if _, after, err := f.db.FindBodies(ctx, aldyn.BodyFilter{}); err != nil || after != before {
		t.Errorf("bodies: %d before, %d after (%v)", before, after, err)
	}
	csv := "territory_code,year,population,source\n" + codeA + ",2024,200000,NSC\n"
	if got := slowPost("/api/v1/territories/import/populations", "text/csv", csv); got != http.StatusOK {
		t.Errorf("slow body to an upload route: got status %d, want 200", got)
	}
	// The same body sent at once is created: the cut-off was the timeout.
	resp := f.do(t, adminKG, "POST", "/api/v1/bodies", "application/json", body)
	if resp.StatusCode != http.StatusCreated {
		t.Errorf("body sent at once: got status %d, want 201", resp.StatusCode)
	}
}
