// Package demo loads Aldyn's demo dataset: prevention bodies across the
// country and two districts, and user accounts of every role. Everything it
// creates is labelled as demo data; it never runs unless asked for.
package demo

import (
	"context"
	"fmt"

	"github.com/aldyn-kg/aldyn"
	"github.com/aldyn-kg/aldyn/internal/store"
)

// Territory codes used by the demo.
const (
	Country   = "41700000000000"
	Chui      = "41708000000000"
	Alamudun  = "41708203000000"
	JalalAbad = "41703000000000"
	Suzak     = "41703220000000"
	Bishkek   = "41711000000000"
)

// Marker is the settings key set once the demo foundation data is loaded.
const Marker = "demo.foundation"

// Body is a demo body with the key other demo data refers to it by.
type Body struct {
	Key string
	aldyn.Body
}

// Bodies are the demo prevention subjects.
var Bodies = []Body{
	{"council", aldyn.Body{TerritoryCode: Country, Type: "coordination_council",
		NameKy: "Кыргыз Республикасынын Министрлер Кабинетине караштуу Укук бузуулардын алдын алуу боюнча координациялык кеңеш",
		NameRu: "Координационный совет по профилактике правонарушений при Кабинете Министров Кыргызской Республики",
		NameEn: "Coordination Council for Offense Prevention under the Cabinet of Ministers", Address: "Бишкек ш., Бейшеналиева к., 1", Website: "https://www.gov.kg"}},
	{"mvd", aldyn.Body{TerritoryCode: Country, Type: "police",
		NameKy: "Кыргыз Республикасынын Ички иштер министрлиги", NameRu: "Министерство внутренних дел Кыргызской Республики",
		NameEn: "Ministry of Internal Affairs of the Kyrgyz Republic", Phone: "+996 312 000 102", Website: "https://mvd.gov.kg"}},
	{"gp", aldyn.Body{TerritoryCode: Country, Type: "prosecutor",
		NameKy: "Кыргыз Республикасынын Башкы прокуратурасы", NameRu: "Генеральная прокуратура Кыргызской Республики",
		NameEn: "General Prosecutor's Office of the Kyrgyz Republic", Website: "https://prokuror.kg"}},
	{"court", aldyn.Body{TerritoryCode: Country, Type: "court",
		NameKy: "Кыргыз Республикасынын Жогорку соту", NameRu: "Верховный суд Кыргызской Республики", NameEn: "Supreme Court of the Kyrgyz Republic"}},
	{"probation", aldyn.Body{TerritoryCode: Country, Type: "probation",
		NameKy: "Юстиция министрлигине караштуу Пробация департаменти", NameRu: "Департамент пробации при Министерстве юстиции",
		NameEn: "Probation Department of the Ministry of Justice"}},
	{"education", aldyn.Body{TerritoryCode: Country, Type: "state",
		NameKy: "Кыргыз Республикасынын Билим берүү жана илим министрлиги", NameRu: "Министерство образования и науки Кыргызской Республики",
		NameEn: "Ministry of Education and Science of the Kyrgyz Republic"}},
	{"chui-commission", aldyn.Body{TerritoryCode: Chui, Type: "coordination_commission",
		NameKy: "Чүй облусунун укук бузуулардын алдын алуу боюнча координациялык комиссиясы", NameRu: "Координационная комиссия по профилактике правонарушений Чуйской области",
		NameEn: "Chüy Region Coordination Commission for Offense Prevention"}},
	{"chui-police", aldyn.Body{TerritoryCode: Chui, Type: "police",
		NameKy: "Чүй облустук ички иштер башкармалыгы", NameRu: "Главное управление внутренних дел Чуйской области", NameEn: "Chüy Region Police Department"}},
	{"alamudun-commission", aldyn.Body{TerritoryCode: Alamudun, Type: "coordination_commission",
		NameKy: "Аламүдүн районунун координациялык комиссиясы", NameRu: "Координационная комиссия Аламудинского района", NameEn: "Alamüdün District Coordination Commission"}},
	{"alamudun-police", aldyn.Body{TerritoryCode: Alamudun, Type: "police",
		NameKy: "Аламүдүн райондук ички иштер бөлүмү", NameRu: "Аламудинский районный отдел внутренних дел", NameEn: "Alamüdün District Police Department",
		Phone: "+996 312 000 102", ContactPerson: "Кезметчи бөлүм", DirectPhone: "+996 312 000 103", Notes: "Demo record"}},
	{"alamudun-ao", aldyn.Body{TerritoryCode: Alamudun, Type: "local_government",
		NameKy: "Лебединовка айыл өкмөтү", NameRu: "Лебединовский айыл окмоту", NameEn: "Lebedinovka Ayil Okmotu"}},
	{"alamudun-centre", aldyn.Body{TerritoryCode: Alamudun, Type: "prevention_centre",
		NameKy: "Лебединовка айылындагы коомдук алдын алуу борбору", NameRu: "Общественный центр профилактики села Лебединовка", NameEn: "Lebedinovka Public Prevention Centre"}},
	{"jalal-abad-commission", aldyn.Body{TerritoryCode: JalalAbad, Type: "coordination_commission",
		NameKy: "Жалал-Абад облусунун укук бузуулардын алдын алуу боюнча координациялык комиссиясы", NameRu: "Координационная комиссия по профилактике правонарушений Джалал-Абадской области",
		NameEn: "Jalal-Abad Region Coordination Commission for Offense Prevention"}},
	{"suzak-commission", aldyn.Body{TerritoryCode: Suzak, Type: "coordination_commission",
		NameKy: "Сузак районунун координациялык комиссиясы", NameRu: "Координационная комиссия Сузакского района", NameEn: "Suzak District Coordination Commission"}},
	{"suzak-police", aldyn.Body{TerritoryCode: Suzak, Type: "police",
		NameKy: "Сузак райондук ички иштер бөлүмү", NameRu: "Сузакский районный отдел внутренних дел", NameEn: "Suzak District Police Department"}},
	{"suzak-ngo", aldyn.Body{TerritoryCode: Suzak, Type: "ngo",
		NameKy: "«Коопсуз айыл» коомдук бирикмеси", NameRu: "Общественное объединение «Безопасное село»", NameEn: "“Safe Village” Public Association"}},
	{"bishkek-commission", aldyn.Body{TerritoryCode: Bishkek, Type: "coordination_commission",
		NameKy: "Бишкек шаарынын укук бузуулардын алдын алуу боюнча координациялык комиссиясы", NameRu: "Координационная комиссия по профилактике правонарушений города Бишкек",
		NameEn: "Bishkek City Coordination Commission for Offense Prevention"}},
}

// User is a demo account; its body is named by the body's key.
type User struct {
	Login, Name, Role, Body string
}

// Users are the demo accounts. Only admin is announced at start; the
// others get random passwords an administrator can reset.
var Users = []User{
	{"admin", "Демо администратор", aldyn.RoleAdministrator, "council"},
	{"council.coordinator", "Кеңештин катчылыгы", aldyn.RoleCoordinator, "council"},
	{"chui.coordinator", "Чүй комиссиясынын катчысы", aldyn.RoleCoordinator, "chui-commission"},
	{"alamudun.coordinator", "Аламүдүн комиссиясынын катчысы", aldyn.RoleCoordinator, "alamudun-commission"},
	{"alamudun.analyst", "Аламүдүн аналитиги", aldyn.RoleAnalyst, "alamudun-police"},
	{"alamudun.reporter", "Аламүдүн РИИБ кызматкери", aldyn.RoleReporter, "alamudun-police"},
	{"suzak.analyst", "Сузак аналитиги", aldyn.RoleAnalyst, "suzak-police"},
	{"suzak.reporter", "Сузак РИИБ кызматкери", aldyn.RoleReporter, "suzak-police"},
	{"national.analyst", "Улуттук аналитик", aldyn.RoleAnalyst, "mvd"},
}

// Hasher turns a password into a stored hash (auth.HashPassword).
type Hasher func(pw string) (string, error)

// Load creates the demo bodies and users unless they were loaded before,
// and returns the body ids by key. Passwords come from newPassword.
func Load(ctx context.Context, db *store.DB, hash Hasher, newPassword func() string) (map[string]int64, error) {
	ids := map[string]int64{}
	if _, done, err := db.Setting(ctx, Marker); err != nil {
		return nil, err
	} else if done {
		return BodyIDs(ctx, db)
	}
	for _, b := range Bodies {
		body := b.Body
		if err := db.CreateBody(ctx, aldyn.System, &body); err != nil {
			return nil, fmt.Errorf("demo body %s: %w", b.Key, err)
		}
		ids[b.Key] = body.ID
	}
	for _, u := range Users {
		h, err := hash(newPassword())
		if err != nil {
			return nil, err
		}
		user := &aldyn.User{Login: u.Login, Name: u.Name, Role: u.Role, BodyID: ids[u.Body], Lang: "ky", PasswordHash: h}
		if err := db.CreateUser(ctx, aldyn.System, user); err != nil {
			return nil, fmt.Errorf("demo user %s: %w", u.Login, err)
		}
	}
	err := db.Update(ctx, aldyn.System, func(tx *store.Tx) error { return tx.SetSetting(ctx, Marker, "loaded") })
	return ids, err
}

// BodyIDs finds the ids of the demo bodies by their Russian names.
func BodyIDs(ctx context.Context, db *store.DB) (map[string]int64, error) {
	ids := map[string]int64{}
	for _, b := range Bodies {
		code := b.TerritoryCode
		bs, _, err := db.FindBodies(ctx, aldyn.BodyFilter{TerritoryCode: &code, Page: aldyn.Page{Limit: aldyn.MaxLimit}})
		if err != nil {
			return nil, err
		}
		for _, x := range bs {
			if x.NameRu == b.NameRu {
				ids[b.Key] = x.ID
			}
		}
	}
	return ids, nil
}
