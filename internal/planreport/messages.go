package planreport

import "github.com/aldyn-kg/aldyn/internal/i18n"

// tr translates key into loc's language, filling {{.name}} from args given
// as name/value pairs; the texts live in the locale files with the others.
func tr(loc *i18n.Localizer, key string, args ...any) string { return loc.T(key, args...) }
