package web

import (
	"regexp"
	"slices"
	"strings"

	"github.com/aldyn-kg/aldyn/internal/i18n"
)

// Population citations are stored as written in the reference table, in
// English; the usual phrases are shown in the reader's language, anything
// else as written.
var citationPatterns = []struct {
	re  *regexp.Regexp
	key string
}{
	{regexp.MustCompile(`^National census (\d{4}) \(NSC KR\)$`), "population.citation.census"},
	{regexp.MustCompile(`^NSC KR estimate, 1 January (\d{4})$`), "population.citation.estimate_january"},
	{regexp.MustCompile(`^NSC KR estimate, (\d{4})$`), "population.citation.estimate"},
}

// citation translates a population figure's citation.
func citation(loc *i18n.Localizer, c string) string {
	for _, p := range citationPatterns {
		if m := p.re.FindStringSubmatch(c); m != nil {
			return loc.T(p.key, "year", m[1])
		}
	}
	return c
}

// citations translates and joins the citations of the figures a rate used.
func citations(loc *i18n.Localizer, cs []string) string {
	out := make([]string, 0, len(cs))
	for _, c := range cs {
		if t := citation(loc, c); t != "" && !slices.Contains(out, t) {
			out = append(out, t)
		}
	}
	return strings.Join(out, "; ")
}
