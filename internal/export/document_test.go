package export

import (
	"fmt"
	"math"
	"strings"
	"testing"
	"time"
)

// Strings that every writer must carry through to the reader's text.
const (
	kyHeading   = "Коопсуздук үчүн өңүттөр ң ө ү"
	ruHeading   = "Динамика зарегистрированных преступлений"
	enParagraph = "Hot spots moved north in the second quarter."
	kyParagraph = "Өткөн жылга салыштырмалуу укук бузуулар азайды; ң ө ү тамгалары туура чыгышы керек."
	ruParagraph = "Снижение числа краж в Бишкеке составило 12,5 процента, а в Оше — 8 процентов."
	tableTitle  = "Районы / Райондор"
	chartTitle  = "Кылмыштар боюнча салыштыруу"
)

// MustReportDocument returns a document in Kyrgyz, Russian and English
// with a table of rows rows (60 is enough to need a second page) and a
// chart of each orientation.
func MustReportDocument(tb testing.TB, rows int) *Document {
	tb.Helper()
	t := &Table{
		Title: tableTitle,
		Columns: []Column{
			{Key: "name", Label: "Аймак (район)", Kind: Text},
			{Key: "count", Label: "Саны", Kind: Int},
			{Key: "rate", Label: "Коэффициент на 10 000", Kind: Float},
			{Key: "share", Label: "Үлүшү, %", Kind: Percent},
			{Key: "date", Label: "Дата", Kind: Date},
		},
	}
	day := time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)
	for i := range rows {
		t.Rows = append(t.Rows, []any{
			fmt.Sprintf("Район-%d Өзгөн ү", i+1),
			100 + i,
			float64(i) * 1.25,
			float64(i%100) / 3,
			day.AddDate(0, 0, i),
		})
	}
	return &Document{
		Title:    "Мониторинг отчету 2025",
		Subtitle: "Quarterly monitoring report — Ежеквартальный отчёт",
		Author:   "Бишкек шаардык кеңеши",
		Lang:     "ky",
		Blocks: []Block{
			Heading{Text: kyHeading, Level: 1},
			Paragraph{Text: kyParagraph},
			Heading{Text: ruHeading, Level: 2},
			Paragraph{Text: ruParagraph + " " + strings.Repeat("Текст для переноса строк. ", 30)},
			Paragraph{Text: enParagraph},
			TableBlock{Table: t},
			BarChart{
				Title:  chartTitle,
				Labels: []string{"Бишкек", "Ош", "Жалал-Абад", "Нарын", "Ысык-Көл"},
				Series: []ChartSeries{
					{Name: "2024", Values: []float64{120, 80, 45, 12, 30}},
					{Name: "2025", Values: []float64{100, 85, 40, 15, 22}},
				},
				Unit: "случаев",
			},
			BarChart{
				Title:      "Horizontal comparison",
				Labels:     []string{"Чүй облусу", "Талас облусу", "Баткен облусу"},
				Series:     []ChartSeries{{Name: "Change", Values: []float64{-5.5, 3.25, 10}}},
				Unit:       "%",
				Horizontal: true,
			},
		},
	}
}

// wantTexts are the strings both writers' output must contain when read
// back as text.
func wantTexts(rows int) []string {
	return []string{
		"Мониторинг отчету 2025",
		kyHeading, ruHeading, enParagraph, kyParagraph, ruParagraph,
		tableTitle, "Аймак (район)", "Район-1 Өзгөн ү", fmt.Sprintf("Район-%d Өзгөн ү", rows),
		"2025-03-01", chartTitle,
		"ң", "ө", "ү",
	}
}

func TestFitWidths(t *testing.T) {
	for _, c := range []struct {
		name    string
		natural []float64
		floor   []float64
		avail   float64
		want    []float64
	}{
		{"fits, spare spread", []float64{10, 20}, []float64{5, 5}, 50, []float64{20, 30}},
		// Above the floors, width goes where the text is longest.
		{"shared by need", []float64{10, 100, 200}, []float64{10, 10, 20}, 130, []float64{10, 40, 80}},
		{"equal needs", []float64{100, 100}, []float64{5, 5}, 50, []float64{25, 25}},
		// The short text column keeps its longest word; the long one gives way.
		{"floor kept", []float64{80, 300}, []float64{70, 40}, 200, []float64{73.3, 126.7}},
		{"floors too wide", []float64{100, 100}, []float64{60, 40}, 50, []float64{30, 20}},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := fitWidths(c.natural, c.floor, c.avail)
			for i := range got {
				got[i] = math.Round(got[i]*10) / 10
			}
			if fmt.Sprint(got) != fmt.Sprint(c.want) {
				t.Errorf("got %v, want %v", got, c.want)
			}
		})
	}
}
