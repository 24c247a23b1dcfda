package web_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aldyn-kg/aldyn"
	"github.com/chromedp/chromedp"
)

// TestBrowserReportingWorkflow drives reporting in headless Chromium:
// reporter A fills in a report with an evidence PDF and submits it;
// coordinator A returns it with a comment; the reporter sees the comment
// and resubmits; the coordinator accepts; the dashboard's figures move.
func TestBrowserReportingWorkflow(t *testing.T) {
	f, dir := repServer(t)
	f.repSetNow(time.Date(2025, 7, 5, 10, 0, 0, 0, time.UTC))
	p, ms, _ := repPlan(t, f, "Browser plan", nil, []repMeasureSpec{
		{code: "1.1", body: f.bodyA, start: "2025-01-01", due: "2025-12-31", budget: []aldyn.BudgetLine{{Source: aldyn.BudgetLocal, AmountKGS: 100000}}},
		{code: "1.2", body: f.bodyA, start: "2025-01-01", due: "2025-12-31"},
	})
	c := repCycle(t, f, p.ID, "2025-Q2", "2025-04-01", "2025-06-30", time.Date(2025, 7, 10, 23, 59, 59, 0, time.UTC))
	// 1.2 is on track already: 60 % accepted.
	repReport(t, f, reporterA, &aldyn.Report{CycleID: c.ID, MeasureID: ms["1.2"].ID, Progress: 60}, aldyn.ReportAccepted)
	pdf := filepath.Join(t.TempDir(), "signed-act.pdf")
	if err := os.WriteFile(pdf, []byte(repTinyPDF), 0o600); err != nil {
		t.Fatal(err)
	}

	b := mustBrowserFor(t, f)
	ctx, base, do, text := b.ctx, b.base, b.do, b.text
	settle := func() {
		t.Helper()
		waitFor(t, ctx, `document.readyState === "complete"`)
	}
	login := func(user string) {
		t.Helper()
		b.loginAt("/lang/en?next=/login", user)
	}
	logout := func() {
		t.Helper()
		do(chromedp.Click(chromedp.CSS(`form[action="/logout"] button`)))
		waitFor(t, ctx, `document.readyState === "complete" && !document.querySelector(".user-link")`)
	}
	figures := func() map[string]string {
		t.Helper()
		do(chromedp.Navigate(base + "/plans/" + repID(p.ID) + "/dashboard"))
		settle()
		out := map[string]string{}
		for _, k := range []string{"dash-done", "dash-on-track", "dash-at-risk"} {
			out[k] = text("#" + k)
		}
		return out
	}
	// click follows a link or submits a form and waits for the next page:
	// the old document is marked, so its "complete" state does not count.
	click := func(sel string) {
		t.Helper()
		if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(document.documentElement.dataset.stale = "1") === "1"`)); err != nil {
			t.Fatal(err)
		}
		do(chromedp.Click(chromedp.CSS(sel)))
		waitFor(t, ctx, `document.readyState === "complete" && document.documentElement.dataset.stale !== "1"`)
	}

	// Reporter A: the dashboard before, then the task.
	login("reportera")
	before := figures()
	if before["dash-done"] != "0" || before["dash-on-track"] != "1" || before["dash-at-risk"] != "1" {
		t.Fatalf("dashboard before: %v, want done 0, on track 1, at risk 1", before)
	}
	do(chromedp.Navigate(base + "/tasks"))
	settle()
	if got := text("#tasks tbody"); !strings.Contains(got, "Measure 1.1") || !strings.Contains(got, "Not started") {
		t.Fatalf("tasks: %q", got)
	}
	click("#tasks a.task-open")
	do(chromedp.WaitVisible(chromedp.CSS("#report-form")),
		chromedp.SetValue(chromedp.CSS("#f-progress"), "60"),
		chromedp.SendKeys(chromedp.CSS("#f-narrative"), "Three trainings for youth held in Lebedinovka."),
		chromedp.SetValue(chromedp.CSS("#f-spent_0"), "25000"),
		chromedp.SetUploadFiles(chromedp.CSS("#f-files"), []string{pdf}))
	click("#report-submit")
	do(chromedp.WaitVisible(chromedp.CSS("#history")))
	if got := text("#report-status"); got != "Submitted" {
		t.Fatalf("after submitting: status %q", got)
	}
	if got := text("#evidence-files"); !strings.Contains(got, "signed-act.pdf") {
		t.Errorf("evidence list: %q", got)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("evidence directory holds %d files, want 1", len(entries))
	}
	reportURL, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	logout()

	// Coordinator A returns it with a comment.
	login("coordinatora")
	do(chromedp.Navigate(base + "/tasks"))
	settle()
	click("#reviews a.review-open")
	if got, _ := chromedp.Run(ctx, chromedp.Location()); got != reportURL {
		t.Errorf("review link goes to %s, want %s", got, reportURL)
	}
	// The evidence opens for the coordinator.
	if b := fetchLink(t, ctx, "#evidence-files a"); string(b) != repTinyPDF {
		t.Errorf("coordinator downloads %d bytes, want the PDF", len(b))
	}
	const comment = "Attach the attendance lists, please."
	do(chromedp.SendKeys(chromedp.CSS("#f-comment"), comment))
	click("#report-return")
	if got := text("#report-status"); got != "Returned" {
		t.Fatalf("after returning: status %q", got)
	}
	logout()

	// The reporter sees the comment and resubmits at 100 %.
	login("reportera")
	do(chromedp.Navigate(base + "/tasks"))
	settle()
	if got := text("#tasks tbody"); !strings.Contains(got, comment) || !strings.Contains(got, "Returned") {
		t.Fatalf("tasks after return: %q", got)
	}
	if got := text(".unread-count"); got != "1" {
		t.Errorf("unread notifications in the header: %q, want 1 (the returned report)", got)
	}
	click("#tasks a.task-open")
	do(chromedp.WaitVisible(chromedp.CSS("#returned-comment")))
	if got := text("#returned-comment"); !strings.Contains(got, comment) {
		t.Errorf("form shows %q, want the comment", got)
	}
	if got := text("#evidence-files"); !strings.Contains(got, "signed-act.pdf") {
		t.Errorf("the file is kept on resubmission: %q", got)
	}
	do(chromedp.SetValue(chromedp.CSS("#f-progress"), "100"))
	click("#report-submit")
	do(chromedp.WaitVisible(chromedp.CSS("#history")))
	if got := text("#report-status"); got != "Submitted" {
		t.Fatalf("after resubmitting: status %q", got)
	}
	if got := text("#history tbody"); strings.Count(got, "Submitted") != 2 || !strings.Contains(got, comment) {
		t.Errorf("history keeps both submissions and the return: %q", got)
	}
	logout()

	// The coordinator accepts; the dashboard moves.
	login("coordinatora")
	do(chromedp.Navigate(reportURL))
	settle()
	click("#report-accept")
	if got := text("#report-status"); got != "Accepted" {
		t.Fatalf("after accepting: status %q", got)
	}
	after := figures()
	if after["dash-done"] != "1" || after["dash-on-track"] != "1" || after["dash-at-risk"] != "0" {
		t.Errorf("dashboard after: %v, want done 1, on track 1, at risk 0", after)
	}
	// The monitoring report downloads from the dashboard's button.
	if b := fetchLink(t, ctx, `#report-downloads a[data-format="pdf"][data-lang="en"]`); !strings.HasPrefix(string(b), "%PDF") {
		t.Errorf("monitoring report download is not a PDF")
	}
}
