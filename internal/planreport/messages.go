package planreport

import (
	_ "embed"
	"fmt"
	"strings"

	"github.com/aldyn-kg/aldyn/internal/i18n"
)

// messages.md holds this package's texts until they are merged into the
// locale files; tr prefers the locale files, so the merge needs no code
// change here.
//
//go:embed messages.md
var messagesMD string

// fallback maps key → language → text, parsed once from messagesMD.
var fallback = parseMessages(messagesMD)

// parseMessages reads the rows "| key | ky | ru | en |" of a Markdown
// table whose key starts with "planreport.".
func parseMessages(md string) map[string]map[string]string {
	out := map[string]map[string]string{}
	for line := range strings.SplitSeq(md, "\n") {
		line = strings.TrimSpace(line)
		if !strings.HasPrefix(line, "|") {
			continue
		}
		cells := strings.Split(strings.Trim(line, "|"), "|")
		if len(cells) != 4 {
			continue
		}
		key := strings.TrimSpace(cells[0])
		if !strings.HasPrefix(key, "planreport.") {
			continue
		}
		out[key] = map[string]string{
			"ky": strings.TrimSpace(cells[1]),
			"ru": strings.TrimSpace(cells[2]),
			"en": strings.TrimSpace(cells[3]),
		}
	}
	return out
}

// tr translates key into loc's language, filling {{.name}} from args given
// as name/value pairs. The locale files win; messages.md answers for keys
// they do not have yet; an unknown key comes back as itself, as i18n does.
func tr(loc *i18n.Localizer, key string, args ...any) string {
	if i18n.Has(key) {
		return loc.T(key, args...)
	}
	s, ok := fallback[key][loc.Lang()]
	if !ok || s == "" {
		return key
	}
	if len(args) == 0 {
		return s
	}
	pairs := make([]string, 0, len(args))
	for i := 0; i+1 < len(args); i += 2 {
		pairs = append(pairs, "{{."+fmt.Sprint(args[i])+"}}", fmt.Sprint(args[i+1]))
	}
	return strings.NewReplacer(pairs...).Replace(s)
}
