package offenses

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/aldyn-kg/aldyn"
	"github.com/aldyn-kg/aldyn/internal/importer"
	"github.com/aldyn-kg/aldyn/internal/store"
)

// The classification: the categories are the Concept's Table 1 groups and
// never change; their subgroups, which map articles of the Criminal Code
// and the Code of Offenses to categories, are edited by national
// administrators. The built-in subgroups (importer.Subgroups) apply until
// the classification is first saved; the sensitive ones (domestic
// violence, crimes against children) cannot be removed, only given
// articles, so that their records' locations stay hidden.

const classificationSetting = "offense.classification"

var subgroupCode = regexp.MustCompile(`^[a-z][a-z0-9_]{1,49}$`)

// Classification returns the subgroups in force, ordered by category (as
// in Table 1) and code.
func Classification(ctx context.Context, db *store.DB) ([]importer.Subgroup, error) {
	v, ok, err := db.Setting(ctx, classificationSetting)
	if err != nil {
		return nil, err
	}
	sgs := slices.Clone(importer.Subgroups)
	if ok {
		sgs = nil
		if err := json.Unmarshal([]byte(v), &sgs); err != nil {
			return nil, fmt.Errorf("offense classification: %w", err)
		}
	}
	sortSubgroups(sgs)
	return sgs, nil
}

func sortSubgroups(sgs []importer.Subgroup) {
	slices.SortFunc(sgs, func(a, b importer.Subgroup) int {
		return cmp.Or(cmp.Compare(slices.Index(aldyn.OffenseCategories, a.Category), slices.Index(aldyn.OffenseCategories, b.Category)),
			strings.Compare(a.Code, b.Code))
	})
}

// SaveSubgroup adds or replaces a subgroup (audited). Its articles are
// normalized; an article may belong to one subgroup of its register only.
func SaveSubgroup(ctx context.Context, db *store.DB, actor *aldyn.Actor, sg importer.Subgroup) error {
	sgs, err := Classification(ctx, db)
	if err != nil {
		return err
	}
	sg.Code = strings.TrimSpace(sg.Code)
	v := aldyn.Validation{}
	if !subgroupCode.MatchString(sg.Code) {
		v.Add("code", "stats.classification.error.code")
	}
	if !importer.ValidCategory(sg.Category) {
		v.Add("category", "import.error.category")
	}
	if sg.Source != importer.SourceCrimes && sg.Source != importer.SourceOffenses {
		v.Add("source", "import.error.source")
	}
	for f, n := range map[string]*string{"name_ky": &sg.NameKy, "name_ru": &sg.NameRu, "name_en": &sg.NameEn} {
		if *n = strings.TrimSpace(*n); *n == "" {
			v.Add(f, "error.required")
		} else if len([]rune(*n)) > 200 {
			v.Add(f, "error.too_long")
		}
	}
	var arts []string
	for _, a := range sg.Articles {
		if strings.TrimSpace(a) == "" {
			continue
		}
		n := importer.NormalizeArticle(a)
		if n == "" {
			v.Add("articles", "import.error.article")
			continue
		}
		if !slices.Contains(arts, n) {
			arts = append(arts, n)
		}
	}
	slices.Sort(arts)
	sg.Articles = arts
	var old *importer.Subgroup
	for i := range sgs {
		if sgs[i].Code == sg.Code {
			old = &sgs[i]
			continue
		}
		if sgs[i].Source == sg.Source {
			for _, a := range arts {
				if slices.Contains(sgs[i].Articles, a) {
					v.Add("articles", "stats.classification.error.article_taken")
				}
			}
		}
	}
	if old != nil && old.Sensitive && (old.Category != sg.Category || old.Source != sg.Source) {
		v.Add("category", "stats.classification.error.sensitive")
	}
	if err := v.Err(); err != nil {
		return err
	}
	if old != nil {
		sg.Sensitive = old.Sensitive
		*old = sg
	} else {
		sg.Sensitive = false
		sgs = append(sgs, sg)
	}
	return saveClassification(ctx, db, actor, sgs)
}

// DeleteSubgroup removes a subgroup; the sensitive ones stay.
func DeleteSubgroup(ctx context.Context, db *store.DB, actor *aldyn.Actor, code string) error {
	sgs, err := Classification(ctx, db)
	if err != nil {
		return err
	}
	i := slices.IndexFunc(sgs, func(s importer.Subgroup) bool { return s.Code == code })
	if i < 0 {
		return aldyn.Errorf(aldyn.ENOTFOUND, "error.not_found")
	}
	if sgs[i].Sensitive {
		return aldyn.Errorf(aldyn.ECONFLICT, "stats.classification.error.sensitive")
	}
	return saveClassification(ctx, db, actor, slices.Delete(sgs, i, i+1))
}

func saveClassification(ctx context.Context, db *store.DB, actor *aldyn.Actor, sgs []importer.Subgroup) error {
	sortSubgroups(sgs)
	b, err := json.Marshal(sgs)
	if err != nil {
		return err
	}
	return db.Update(ctx, actor, func(tx *store.Tx) error { return tx.SetSetting(ctx, classificationSetting, string(b)) })
}

// articleIndex maps (register, article) to a subgroup of the classification.
type articleIndex map[[2]string]*importer.Subgroup

func newArticleIndex(sgs []importer.Subgroup) articleIndex {
	idx := articleIndex{}
	for i := range sgs {
		for _, a := range sgs[i].Articles {
			idx[[2]string{sgs[i].Source, a}] = &sgs[i]
		}
	}
	return idx
}
