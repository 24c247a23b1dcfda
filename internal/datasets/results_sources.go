package datasets

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/aldyn-kg/aldyn"
	"github.com/aldyn-kg/aldyn/internal/residents"
	"github.com/aldyn-kg/aldyn/internal/stats"
	"github.com/aldyn-kg/aldyn/internal/store"
	"github.com/aldyn-kg/aldyn/internal/surveys"
)

// The Concept's results from Aldyn's other sources: the offense
// statistics (registered offenses per 100,000 residents), the surveys
// (feeling safe after dark, trust in the police), the residents' reports
// (share answered on time) and the coordination meetings (non-state
// participation, questions answered). Each adds indicators to a result.

// countryPath is the path of the whole country in the territory tree.
const countryPath = "/41700000000000/"

func text(ky, ru, en string) aldyn.Text { return aldyn.Text{KY: ky, RU: ru, EN: en} }

var percent = text("%", "%", "%")

// indicatorOf makes a result indicator from yearly values, summarised.
func indicatorOf(code, source string, name, unit aldyn.Text, values []YearValue) ResultIndicator {
	ri := ResultIndicator{Code: code, Name: name, Unit: unit, Source: source, Values: values}
	if ri.Values == nil {
		ri.Values = []YearValue{}
	}
	summarise(&ri)
	return ri
}

// add appends ri to result n.
func (out *ConceptResults) add(n int, ri ResultIndicator) {
	for i := range out.Results {
		if out.Results[i].N == n {
			out.Results[i].Indicators = append(out.Results[i].Indicators, ri)
		}
	}
}

// round2 rounds to two decimals, as shares and rates are shown.
func round2(x float64) float64 { return float64(int64(x*100+0.5)) / 100 }

// addOffenses adds to result 1 the registered offenses per 100,000
// residents of the country, for every year from the Concept's start that
// has ended and has a population figure.
func (out *ConceptResults) addOffenses(ctx context.Context, db *store.DB, now time.Time) error {
	from := time.Date(aldyn.ConceptStartYear, 1, 1, 0, 0, 0, 0, time.UTC)
	to := time.Date(now.Year(), 1, 1, 0, 0, 0, 0, time.UTC)
	var values []YearValue
	if from.Before(to) {
		rows, err := db.OffenseCounts(ctx, aldyn.CountsQuery{By: []string{aldyn.ByYear}, From: &from, To: &to, Under: countryPath})
		if err != nil {
			return err
		}
		counts := map[int]int64{}
		for _, r := range rows {
			counts[r.Year] += r.Count
		}
		pops, err := db.Populations(ctx, "41700000000000")
		if err != nil {
			return err
		}
		for y := from.Year(); y < to.Year(); y++ {
			start := time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC)
			if rate, ok := stats.AnnualRate(counts[y], start, start.AddDate(1, 0, 0), pops); ok && counts[y] > 0 {
				values = append(values, YearValue{Year: y, Value: round2(rate.PerYear)})
			}
		}
	}
	out.add(1, indicatorOf("offense_rate", aldyn.IndicatorOffenses,
		text("Катталган укук бузуулар", "Зарегистрированные правонарушения", "Registered offenses"),
		text("100 000 тургунга", "на 100 000 жителей", "per 100,000 residents"), values))
	return nil
}

// addSurveys adds to result 1 the share of residents who feel safe
// walking alone after dark and the trust index of the police, from every
// national survey that asks them, by year of the wave (a later survey's
// wave of the same year replaces an earlier one's). A survey of a region
// or district speaks for its residents only, not for the country's.
func (out *ConceptResults) addSurveys(ctx context.Context, db *store.DB) error {
	svs, err := aldyn.AllPages(aldyn.Page{}, func(p aldyn.Page) ([]*aldyn.Survey, int, error) {
		return db.FindSurveys(ctx, aldyn.SurveyFilter{Page: p})
	})
	if err != nil {
		return err
	}
	country := &aldyn.Plan{TerritoryCode: "41700000000000"}
	measure := func(question string, yes []string) ([]YearValue, error) {
		byYear := map[int]float64{}
		for _, sv := range svs {
			if sv.TerritoryCode != country.TerritoryCode {
				continue
			}
			full, err := db.FindSurveyBySlug(ctx, sv.Slug)
			if err != nil {
				return nil, err
			}
			if full.Question(question) == nil {
				continue
			}
			ind := &aldyn.Indicator{Source: aldyn.IndicatorSurvey, Kind: aldyn.IndicatorPercent,
				Numerator: "survey:" + sv.Slug + ":" + question + "=" + strings.Join(yes, ",")}
			vals, err := surveys.IndicatorValues(ctx, db, country, ind)
			if err != nil {
				return nil, err
			}
			for _, v := range vals {
				if y, err := strconv.Atoi(v.Period[:min(4, len(v.Period))]); err == nil {
					byYear[y] = round2(v.Value)
				}
			}
		}
		return yearly(byYear), nil
	}
	safe, err := measure("safe_night", surveys.SafeYes)
	if err != nil {
		return err
	}
	out.add(1, indicatorOf("feel_safe_after_dark", aldyn.IndicatorSurvey,
		text("Караңгы киргенде конушунда өзүн коопсуз сезген тургундардын үлүшү", "Доля жителей, чувствующих себя в безопасности в своём районе после наступления темноты",
			"Residents who feel safe walking alone in their area after dark"), percent, safe))
	trust, err := measure("trust_police", surveys.TrustYes)
	if err != nil {
		return err
	}
	out.add(1, indicatorOf("police_trust_index", aldyn.IndicatorSurvey,
		text("Милицияга ишеним индекси", "Индекс доверия милиции", "Trust index of the police"), percent, trust))
	return nil
}

// yearly lists byYear's values by year.
func yearly(byYear map[int]float64) []YearValue {
	out := []YearValue{}
	for y := aldyn.ConceptStartYear - 10; y <= aldyn.ConceptEndYear+1; y++ {
		if v, ok := byYear[y]; ok {
			out = append(out, YearValue{Year: y, Value: v})
		}
	}
	return out
}

// addResidents adds to result 4 the share of residents' reports answered
// on time, for every ended year (withheld below 30 reports).
func (out *ConceptResults) addResidents(ctx context.Context, db *store.DB, now time.Time) error {
	country := &aldyn.Plan{TerritoryCode: "41700000000000", StartYear: aldyn.ConceptStartYear, EndYear: aldyn.ConceptEndYear}
	vals, err := residents.IndicatorValues(ctx, db, country, &aldyn.Indicator{Source: aldyn.IndicatorResidents, Kind: aldyn.IndicatorPercent}, now)
	if err != nil {
		return err
	}
	byYear := map[int]float64{}
	for _, v := range vals {
		if y, err := strconv.Atoi(v.Period); err == nil {
			byYear[y] = round2(v.Value)
		}
	}
	out.add(4, indicatorOf("resident_reports_on_time", aldyn.IndicatorResidents,
		text("Тургундардын өз убагында жооп берилген кайрылууларынын үлүшү", "Доля обращений жителей, на которые ответили в срок", "Residents' reports answered on time"),
		percent, yearly(byYear)))
	return nil
}

// addCoordination adds to result 4, for every year up to now, the share
// of the coordination bodies' meetings held with a non-profit
// organisation among the participants, and the share of the questions
// asked that year that have been answered.
func (out *ConceptResults) addCoordination(ctx context.Context, db *store.DB, now time.Time) error {
	held := aldyn.MeetingHeld
	meetings, err := aldyn.AllPages(aldyn.Page{}, func(p aldyn.Page) ([]*aldyn.Meeting, int, error) {
		return db.FindMeetings(ctx, aldyn.MeetingFilter{Under: "/", Status: &held, Page: p})
	})
	if err != nil {
		return err
	}
	ngo := map[int64]bool{}
	ngoType := "ngo"
	bodies, err := aldyn.AllPages(aldyn.Page{}, func(p aldyn.Page) ([]*aldyn.Body, int, error) {
		return db.FindBodies(ctx, aldyn.BodyFilter{Type: &ngoType, Page: p})
	})
	if err != nil {
		return err
	}
	for _, b := range bodies {
		ngo[b.ID] = true
	}
	all, withNGO := map[int]int{}, map[int]int{}
	for _, m := range meetings {
		y := m.Date.Year()
		if y > now.Year() {
			continue
		}
		all[y]++
		for _, id := range m.Participants {
			if ngo[id] {
				withNGO[y]++
				break
			}
		}
	}
	out.add(4, indicatorOf("meetings_with_ngo", "meetings",
		text("Коммерциялык эмес уюмдар катышкан координациялык жыйналыштардын үлүшү", "Доля координационных заседаний с участием некоммерческих организаций",
			"Coordination meetings held with non-profit organisations taking part"), percent, shares(withNGO, all)))
	qs, err := aldyn.AllPages(aldyn.Page{}, func(p aldyn.Page) ([]*aldyn.Question, int, error) {
		return db.FindQuestions(ctx, aldyn.QuestionFilter{Under: "/", Page: p})
	})
	if err != nil {
		return err
	}
	asked, answered := map[int]int{}, map[int]int{}
	for _, q := range qs {
		if q.Kind != aldyn.QuestionQuestion {
			continue
		}
		y := q.CreatedAt.Year()
		asked[y]++
		if q.Answered() {
			answered[y]++
		}
	}
	out.add(4, indicatorOf("questions_answered", "meetings",
		text("Жооп берилген суроолордун үлүшү", "Доля вопросов, на которые дан ответ", "Questions answered"), percent, shares(answered, asked)))
	return nil
}

// shares is part[y] / whole[y] in percent for every year whole has.
func shares(part, whole map[int]int) []YearValue {
	byYear := map[int]float64{}
	for y, n := range whole {
		if n > 0 {
			byYear[y] = round2(float64(part[y]) * 100 / float64(n))
		}
	}
	return yearly(byYear)
}
