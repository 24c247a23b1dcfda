package planreport

import (
	"testing"

	"github.com/aldyn-kg/aldyn"
	"github.com/aldyn-kg/aldyn/internal/i18n"
)

// TestPeriodLabel: periods are written as people write them.
func TestPeriodLabel(t *testing.T) {
	for _, c := range []struct{ lang, in, want string }{
		{"ky", "2026-Q3", "2026-жылдын III чейреги"},
		{"ru", "2026-Q3", "III квартал 2026 года"},
		{"en", "2026-Q3", "Q3 2026"},
		{"ru", "2024 H1", "I полугодие 2024 года"},
		{"en", "2024 H1", "H1 2024"},
		{"ru", "2026", "2026 год"},
		{"ky", "2026", "2026-жыл"},
		{"ru", "spring", "spring"},
	} {
		if got := PeriodLabel(i18n.For(c.lang), c.in); got != c.want {
			t.Errorf("%s %q: got %q, want %q", c.lang, c.in, got, c.want)
		}
	}
}

// TestMeasuresSentence: the first finding names only the statuses that
// have measures, with the plural forms of the language.
func TestMeasuresSentence(t *testing.T) {
	for _, c := range []struct {
		lang string
		m    aldyn.StatusCounts
		want string
	}{
		{"en", aldyn.StatusCounts{Total: 28, Done: 17, OnTrack: 6, Overdue: 5}, "Of the plan's 28 measures, 17 done, 6 on track and 5 overdue."},
		{"en", aldyn.StatusCounts{Total: 1, Done: 1}, "Of the plan's 1 measure, 1 done."},
		{"ru", aldyn.StatusCounts{Total: 28, Done: 17, OnTrack: 6, Overdue: 5}, "Из 28 мероприятий плана выполнено 17, выполняется по графику 6 и просрочено 5."},
		{"ru", aldyn.StatusCounts{Total: 21, OnTrack: 21}, "Из 21 мероприятия плана выполняется по графику 21."},
		{"ky", aldyn.StatusCounts{Total: 28, Done: 17, OnTrack: 6, Overdue: 5}, "Пландагы 28 иш-чаранын 17 аткарылды, 6 график боюнча аткарылууда жана 5 мөөнөтүндө аткарылган жок."},
	} {
		if got := measuresSentence(i18n.For(c.lang), c.m); got != c.want {
			t.Errorf("%s %+v:\n got %q\nwant %q", c.lang, c.m, got, c.want)
		}
	}
}
