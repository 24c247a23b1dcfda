package web_test

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestBrowserResidentCategories: the national administrator opens the
// categories from the staff list of reports, edits one in Kyrgyz and in
// Russian (name and deadline) and sees the change in the list; neither
// page scrolls sideways. Screenshots when ALDYN_SCREENSHOTS is set.
func TestBrowserResidentCategories(t *testing.T) {
	f := mustFixture(t)
	b := mustBrowserFor(t, f)
	b.login("adminkg", "/residents")
	cat := mustResidentCategory(t, f, "unsafe_place")
	for _, c := range []struct{ lang, name, days string }{{"ky", "Жарыксыз көчө", "12"}, {"ru", "Неосвещённая улица", "14"}} {
		b.do(chromedp.Navigate(b.base+"/lang/"+c.lang+"?next=/residents"),
			chromedp.WaitVisible(chromedp.CSS(`a[href="/resident-categories"]`)),
			chromedp.Click(chromedp.CSS(`a[href="/resident-categories"]`)),
			chromedp.WaitVisible(chromedp.CSS("#resident-categories-caption")))
		b.fitsWidth("categories " + c.lang)
		b.screenshot("resident-categories-" + c.lang)
		field := "#f-name_" + c.lang
		b.do(chromedp.Click(chromedp.CSS(`a[href="/resident-categories/`+mtID(cat.ID)+`"]`)),
			chromedp.WaitVisible(chromedp.CSS(field)),
			chromedp.SetValue(chromedp.CSS(field), c.name),
			chromedp.SetValue(chromedp.CSS("#f-deadline_days"), c.days))
		b.fitsWidth("category form " + c.lang)
		b.screenshot("resident-category-form-" + c.lang)
		b.do(chromedp.Submit(chromedp.CSS(field)), chromedp.WaitVisible(chromedp.CSS("#category-"+mtID(cat.ID))))
		if row := b.text("#category-" + mtID(cat.ID)); !strings.Contains(row, c.name) || !strings.Contains(row, c.days) {
			t.Errorf("%s: the list shows %q, want %q and %s days", c.lang, row, c.name, c.days)
		}
		got, err := f.db.FindResidentCategoryByID(context.Background(), cat.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Name.In(c.lang) != c.name || got.DeadlineDays != atoi(c.days) {
			t.Errorf("%s: stored %+v", c.lang, got)
		}
	}
}

func atoi(s string) int {
	n := 0
	for _, r := range s {
		n = n*10 + int(r-'0')
	}
	return n
}
