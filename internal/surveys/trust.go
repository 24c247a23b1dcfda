package surveys

// The trust index of a body type is the weighted share, 0–100, of
// respondents who trust it fully or rather, among those who gave an
// opinion on the 5-point scale ("don't know" left out) — the definition
// published beside the index (§5.1 of the Concept asks for a trust rating
// on an electronic portal).
var (
	TrustYes = []string{"rather_trust", "fully_trust"}
	TrustNo  = []string{"fully_distrust", "rather_distrust", "neutral"}
)

// TrustRow is the trust index of one body type in one group.
type TrustRow struct {
	BodyType string `json:"body_type"`
	Row
}

// TrustIndex computes the trust index of every body type the survey asks
// about, by the breakdown by ("" or ByTerritory).
func TrustIndex(s *Sample, by string) ([]TrustRow, error) {
	var out []TrustRow
	for _, b := range TrustBodies {
		if s.sv.Question(b.Question) == nil {
			continue
		}
		rows, err := Share(s, b.Question, TrustYes, TrustNo, by)
		if err != nil {
			return nil, err
		}
		for _, r := range rows {
			out = append(out, TrustRow{BodyType: b.Type, Row: r})
		}
	}
	return out, nil
}

// Safe answers of the feeling-of-safety questions.
var (
	SafeYes = []string{"very_safe", "rather_safe"}
	SafeNo  = []string{"rather_unsafe", "very_unsafe"}
)

// ReportingRate is the weighted share, in percent, of victims who
// reported the most recent incident to the police.
func ReportingRate(s *Sample, by string) ([]Row, error) {
	return Share(s, "reported", []string{"yes"}, []string{"no"}, by)
}
