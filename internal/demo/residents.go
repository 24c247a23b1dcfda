package demo

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	"github.com/aldyn-kg/aldyn"
	"github.com/aldyn-kg/aldyn/internal/store"
)

// ResidentsMarker is the settings key set once the demo residents'
// reports are loaded.
const ResidentsMarker = "demo.residents"

// ResidentReports is how many demo residents' reports LoadResidents makes.
const ResidentReports = 720

// residentBodies are the demo bodies that answer residents besides those
// of Bodies: the city police and city hall of Bishkek and an ayil okmotu
// of Suzak, so that municipal categories route there.
var residentBodies = []Body{
	{"bishkek-police", aldyn.Body{TerritoryCode: Bishkek, Type: "police",
		NameKy: "Бишкек шаарынын ички иштер башкы башкармалыгы", NameRu: "Главное управление внутренних дел города Бишкек",
		NameEn: "Bishkek City Police Department", Notes: "Demo record"}},
	{"bishkek-city-hall", aldyn.Body{TerritoryCode: Bishkek, Type: "local_government",
		NameKy: "Бишкек шаарынын мэриясы", NameRu: "Мэрия города Бишкек", NameEn: "Bishkek City Hall", Notes: "Demo record"}},
	{"suzak-ao", aldyn.Body{TerritoryCode: Suzak, Type: "local_government",
		NameKy: "Барпы айыл өкмөтү", NameRu: "Барпынский айыл окмоту", NameEn: "Barpy Ayil Okmotu", Notes: "Demo record"}},
}

// demoPlace is a territory demo reports are made in, with its weight and
// whether a local government answers there (else only the categories the
// police answer are used).
type demoPlace struct {
	Code     string
	Lat, Lon float64
	Weight   int
	Local    bool
}

var residentPlaces = []demoPlace{
	{"41711201000000", 42.85, 74.55, 11, true}, // Bishkek, Leninsky
	{"41711202000000", 42.84, 74.62, 9, true},  // Bishkek, Oktyabrsky
	{"41711203000000", 42.88, 74.60, 8, true},  // Bishkek, Pervomaysky
	{"41711204000000", 42.89, 74.66, 8, true},  // Bishkek, Sverdlovsky
	{Alamudun, 42.89, 74.68, 24, true},
	{"41708222000000", 42.86, 74.30, 9, false}, // Sokuluk
	{"41708206000000", 42.89, 74.85, 6, false}, // Ysyk-Ata
	{Suzak, 40.90, 72.90, 25, true},
}

// demoCategory is what the demo writes for one category: how often it is
// chosen, descriptions and answers in Kyrgyz and Russian.
type demoCategory struct {
	Code    string
	Weight  int
	Police  bool // the police answer it (it routes without a local government)
	Texts   map[string][]string
	Answers map[string][]string
}

var residentCategories = []demoCategory{
	{"disorder_public", 22, true, map[string][]string{
		"ky": {"Кечинде сейил бакта жаштар ичимдик ичип, катуу кыйкырып, өтүп бара жаткандарга тийишет.",
			"Аялдаманын жанында түн ортосуна чейин топ-топ болуп мушташып жатышат, балдар менен өтүү коркунучтуу.",
			"Дүкөндүн алдында мас адамдар күн сайын чогулуп, тургундарга сөгүнүп жатышат."},
		"ru": {"По вечерам в сквере молодёжь распивает спиртное, шумит и пристаёт к прохожим.",
			"У остановки до полуночи собираются компании, бывают драки, с детьми проходить страшно.",
			"У магазина каждый день собираются нетрезвые люди, оскорбляют жителей."}},
		map[string][]string{
			"ky": {"Участкалык инспектор жергиликтүү кызматкерлер менен кечки рейд өткөрдү, үч адамга административдик протокол түзүлдү. Сейил бакта кечки патрулдук күчөтүлдү.",
				"Аймакта патрулдук кызмат күчөтүлдү, дүкөндүн ээси менен түнкүсүн ичимдик сатпоо боюнча профилактикалык маек өткөрүлдү."},
			"ru": {"Участковый инспектор провёл вечерний рейд, на троих граждан составлены административные протоколы. Вечернее патрулирование сквера усилено.",
				"На участке усилено патрулирование, с владельцем магазина проведена профилактическая беседа о запрете ночной продажи алкоголя."}}},
	{"traffic_violation", 15, true, map[string][]string{
		"ky": {"Мектептин алдындагы жөө жүргүнчүлөр өтмөгүндө айдоочулар токтобой өтүп кетишет, видеосу тиркелди.",
			"Кечкисин жашыл түстөгү унаа тротуар менен айдап жүрөт, сүрөт тиркелди."},
		"ru": {"У школы на пешеходном переходе водители не пропускают детей, видео приложено.",
			"По вечерам автомобиль ездит по тротуару, фото приложено."}},
		map[string][]string{
			"ky": {"Материалдар боюнча айдоочу аныкталып, Укук бузуулар жөнүндө кодекске ылайык айып салынды. Өтмөктө кезметчилик уюштурулду.",
				"Мектептин жанына жол коопсуздугу боюнча инспектордун эртең мененки кезметчилиги коюлду."},
			"ru": {"По материалам установлен водитель, наложен штраф по Кодексу о правонарушениях. На переходе организовано дежурство.",
				"У школы выставлено утреннее дежурство инспектора по безопасности дорожного движения."}}},
	{"unsafe_place", 14, false, map[string][]string{
		"ky": {"Көчөдө жарык күйбөйт, кечинде аялдар жана балдар өтүүдөн коркушат.",
			"Көпүрөнүн астындагы өтмөк караңгы жана таштанды толгон, кечкисин коопсуз эмес."},
		"ru": {"На улице не горят фонари, вечером женщины и дети боятся ходить.",
			"Подземный переход тёмный и захламлён, вечером там небезопасно."}},
		map[string][]string{
			"ky": {"Көчөгө 12 жаңы LED чырак орнотулду, жарык түнкү саат 06:00гө чейин күйөт.",
				"Өтмөк тазаланып, жарык калыбына келтирилди."},
			"ru": {"На улице установлено 12 новых светодиодных фонарей, освещение работает до 06:00.",
				"Переход очищен, освещение восстановлено."}}},
	{"municipal", 14, false, map[string][]string{
		"ky": {"Мектептин жанында ээсиз иттер үйүр болуп жүрөт, балдарга коркунуч туудурат.",
			"Короонун ичинде таштанды бир жумадан бери чыгарылбай жатат."},
		"ru": {"Возле школы бродит стая безнадзорных собак, опасно для детей.",
			"Во дворе мусор не вывозят уже неделю."}},
		map[string][]string{
			"ky": {"Ээсиз жаныбарларды кармоо кызматы кайрылуу боюнча иш жүргүздү, иттер кармалып, питомникке өткөрүлдү.",
				"Таштанды чыгарылды, график боюнча жумасына эки жолу чыгаруу калыбына келтирилди."},
			"ru": {"Служба отлова безнадзорных животных выезжала по обращению, собаки отловлены и переданы в питомник.",
				"Мусор вывезен, вывоз дважды в неделю по графику восстановлен."}}},
	{"dangerous_road", 9, true, map[string][]string{
		"ky": {"Кесилиште жол белгиси жок, бир айда эки жол кырсыгы болду.",
			"Жолдо терең чуңкурлар бар, түнкүсүн унаалар аларды айланып карама-каршы тилкеге чыгып кетишет."},
		"ru": {"На перекрёстке нет дорожного знака, за месяц две аварии.",
			"На дороге глубокие ямы, ночью машины объезжают их по встречной полосе."}},
		map[string][]string{
			"ky": {"Кесилишке «Жол бер» белгиси жана жасалма тоскоол орнотулду.",
				"Жолдун бөлүгү оңдолду, чуңкурлар асфальт менен жабылды."},
			"ru": {"На перекрёстке установлены знак «Уступите дорогу» и искусственная неровность.",
				"Участок дороги отремонтирован, ямы заделаны асфальтом."}}},
	{"drug_dealing", 8, true, map[string][]string{
		"ky": {"Подъезддин жанында бөтөн адамдар күн сайын бир нерселерди калтырып кетишет, баңгизат сатылып жатат деген шек бар.",
			"Гараждардын артында кечкисин жаштар чогулуп, шектүү нерселерди берип жатышат."},
		"ru": {"У подъезда посторонние каждый день оставляют свёртки, есть подозрение на закладки.",
			"За гаражами по вечерам собирается молодёжь и что-то передаёт друг другу."}},
		map[string][]string{
			"ky": {"Маалымат текшерилди, тиешелүү чаралар көрүлдү. Кошумча маалымат болсо 102 номерине чалыңыз.",
				"Кайрылуу боюнча текшерүү жүргүзүлдү, аймакта байкоо күчөтүлдү."},
			"ru": {"Информация проверена, приняты меры. При новых сведениях звоните 102.",
				"По обращению проведена проверка, наблюдение на участке усилено."}}},
	{"abandoned_building", 6, false, map[string][]string{
		"ky": {"Бүтпөй калган имаратка балдар кирип ойношот, дубалдары кулап түшүшү мүмкүн.",
			"Ээн калган бала бакчанын имаратына түнкүсүн бөтөн адамдар кирип жүрөт."},
		"ru": {"В недострой лазят дети, стены могут обрушиться.",
			"В заброшенное здание бывшего детского сада по ночам заходят посторонние."}},
		map[string][]string{
			"ky": {"Имараттын кире бериштери жабылып, тосмо коюлду; ээсине коопсуздукту камсыз кылуу боюнча көрсөтмө берилди.",
				"Имарат коргоого алынды, терезелер жана эшиктер бекитилди."},
			"ru": {"Входы в здание заложены, установлено ограждение; собственнику выдано предписание обеспечить безопасность.",
				"Здание взято под охрану, окна и двери заколочены."}}},
	{"youth_at_risk", 5, true, map[string][]string{
		"ky": {"Сабак убагында өспүрүмдөр компьютер клубунда отурушат, ата-энелери билбейт окшойт.",
			"Бир топ өспүрүм кечкисин көчөдө тамеки тартып, кичүүлөрдөн акча талашат."},
		"ru": {"Подростки во время уроков сидят в компьютерном клубе, родители, похоже, не знают.",
			"Группа подростков по вечерам курит на улице и отбирает деньги у младших."}},
		map[string][]string{
			"ky": {"Жашы жетпегендер менен иштөө боюнча инспектор мектеп менен бирге үй-бүлөлөргө барып, профилактикалык маек өткөрдү.",
				"Өспүрүмдөр профилактикалык каттоого алынып, спорт секцияларына тартылды."},
			"ru": {"Инспектор по делам несовершеннолетних вместе со школой посетил семьи и провёл профилактические беседы.",
				"Подростки поставлены на профилактический учёт и вовлечены в спортивные секции."}}},
	{"other", 7, true, map[string][]string{
		"ky": {"Кечкисин үйдүн жанында катуу музыка коюлуп, коңшулар уктай алышпайт.",
			"Сейил бактагы балдар аянтчасынын тосмосу сынган, оңдоо керек."},
		"ru": {"По вечерам у дома громко включают музыку, соседи не могут спать.",
			"В парке сломано ограждение детской площадки, нужен ремонт."}},
		map[string][]string{
			"ky": {"Кайрылуу каралып, тиешелүү кызматка тапшырма берилди, маселе чечилди.",
				"Участкалык инспектор түшүндүрүү иштерин жүргүздү, маселе чечилди."},
			"ru": {"Обращение рассмотрено, соответствующей службе дано поручение, вопрос решён.",
				"Участковый инспектор провёл разъяснительную работу, вопрос решён."}}},
}

var residentRejections = map[string][]string{
	"ky": {"Кайрылууда маселе жана жер көрсөтүлгөн эмес.", "Бул маселе боюнча мурдагы кайрылууга жооп берилген."},
	"ru": {"В обращении не указаны проблема и место.", "По этому вопросу уже дан ответ на прежнее обращение."},
}

var residentReferrals = map[string][]string{
	"ky": {"Кайрылуу Курулуш жана архитектура башкармалыгына жөнөтүлдү, жооп ошол жерден берилет.",
		"Кайрылуу Жол чарба башкармалыгына тапшырылды."},
	"ru": {"Обращение направлено в управление строительства и архитектуры, ответ дадут там.",
		"Обращение передано в управление дорожного хозяйства."},
}

// LoadResidents loads the demo residents' reports (labelled demo) once:
// ResidentReports reports over the last fifteen months across Bishkek,
// Chüy and Jalal-Abad, in every state (received, in progress, answered
// with public answers, referred, rejected), most moderated and public,
// some merged as duplicates, some with "me too" marks; the open ones past
// their deadline are escalated and their coordination commission notified.
// Dates are relative to the database's clock.
func LoadResidents(ctx context.Context, db *store.DB) error {
	if _, done, err := db.Setting(ctx, ResidentsMarker); err != nil || done {
		return err
	}
	ids, err := BodyIDs(ctx, db)
	if err != nil {
		return err
	}
	for _, b := range residentBodies {
		code := b.TerritoryCode
		bs, _, err := db.FindBodies(ctx, aldyn.BodyFilter{TerritoryCode: &code, Page: aldyn.Page{Limit: aldyn.MaxLimit}})
		if err != nil {
			return err
		}
		found := false
		for _, x := range bs {
			found = found || x.NameRu == b.NameRu
		}
		if !found {
			body := b.Body
			if err := db.CreateBody(ctx, aldyn.System, &body); err != nil {
				return fmt.Errorf("demo body %s: %w", b.Key, err)
			}
		}
	}
	if len(ids) == 0 {
		return fmt.Errorf("demo residents: the demo bodies are not loaded")
	}
	cats := map[string]*aldyn.ResidentCategory{}
	all, err := db.FindResidentCategories(ctx, false)
	if err != nil {
		return err
	}
	for _, c := range all {
		cats[c.Code] = c
	}
	rs := makeResidentReports(db.Now(), cats)
	if err := db.LoadResidentReports(ctx, aldyn.System, rs); err != nil {
		return fmt.Errorf("demo residents: %w", err)
	}
	// Duplicates: an open report made a little after another of the same
	// category in the same place is merged into it.
	type key struct {
		cat  int64
		terr string
	}
	firstOpen := map[key]*aldyn.ResidentReport{}
	merged := 0
	for _, r := range rs {
		if r.Status.Closed() {
			continue
		}
		k := key{r.CategoryID, r.TerritoryCode}
		if into := firstOpen[k]; into != nil && merged < ResidentReports/40 && r.ID%3 == 0 {
			if err := db.MergeResidentReports(ctx, aldyn.System, r.ID, into.ID); err != nil {
				return fmt.Errorf("demo residents: merge %d into %d: %w", r.ID, into.ID, err)
			}
			merged++
			continue
		}
		if firstOpen[k] == nil {
			firstOpen[k] = r
		}
	}
	// Overdue reports go to the coordination commission above them, as
	// the server's escalation does every few minutes.
	esc, err := db.EscalateOverdueResidentReports(ctx)
	if err != nil {
		return err
	}
	for _, r := range esc {
		comm, err := db.CoordinationBodyFor(ctx, r.TerritoryPath)
		if err != nil {
			continue
		}
		n := &store.Notification{BodyID: comm.ID, Kind: "resident_overdue", TextKey: "residents.notify.overdue",
			Args: map[string]any{"id": r.ID, "due": r.DueOn.Format(time.DateOnly)}, Link: fmt.Sprintf("/residents/%d", r.ID)}
		if err := db.Notify(ctx, aldyn.System, n); err != nil {
			return err
		}
	}
	return db.Update(ctx, aldyn.System, func(tx *store.Tx) error { return tx.SetSetting(ctx, ResidentsMarker, "loaded") })
}

func pickWeighted[T any](rng *rand.Rand, items []T, weight func(T) int) T {
	total := 0
	for _, x := range items {
		total += weight(x)
	}
	n := rng.IntN(total)
	for _, x := range items {
		if n -= weight(x); n < 0 {
			return x
		}
	}
	return items[len(items)-1]
}

// makeResidentReports draws the demo reports, deterministic for a given
// day: more recent months have more reports, as a new channel grows.
func makeResidentReports(now time.Time, cats map[string]*aldyn.ResidentCategory) []*aldyn.ResidentReport {
	rng := rand.New(rand.NewPCG(16, 2026))
	const days = 455
	out := make([]*aldyn.ResidentReport, 0, ResidentReports)
	for len(out) < ResidentReports {
		p := pickWeighted(rng, residentPlaces, func(p demoPlace) int { return p.Weight })
		dc := pickWeighted(rng, residentCategories, func(c demoCategory) int {
			if !p.Local && !c.Police {
				return 0
			}
			return c.Weight
		})
		c := cats[dc.Code]
		if c == nil || c.Sensitive || !c.Active {
			continue
		}
		// Growth: the age's density falls linearly, so the last months
		// have about twice the average.
		age := int(float64(days) * (1 - math.Sqrt(rng.Float64())))
		created := now.Add(-time.Duration(age)*24*time.Hour - time.Duration(rng.IntN(10*3600))*time.Second)
		lang := "ky"
		if rng.IntN(100) < 45 {
			lang = "ru"
		}
		lat, lon := p.Lat+(rng.Float64()-0.5)*0.04, p.Lon+(rng.Float64()-0.5)*0.05
		plat, plon := aldyn.PublicPoint(lat, lon, nil, nil)
		r := &aldyn.ResidentReport{CategoryID: c.ID, TerritoryCode: p.Code, Lat: &lat, Lon: &lon, PublicLat: &plat, PublicLon: &plon,
			Description: "[Демо] " + dc.Texts[lang][rng.IntN(len(dc.Texts[lang]))], Status: aldyn.ResidentReceived,
			Source: aldyn.SourceWeb, Demo: true, Lang: lang, CreatedAt: created}
		if rng.IntN(10) == 0 {
			r.Source = aldyn.SourceOpen311
		}
		due := aldyn.AddWorkingDays(created, c.DeadlineDays)
		elapsed := now.Sub(created)
		roll := rng.IntN(100)
		switch {
		case !now.After(due.AddDate(0, 0, 1)):
			// Still within its deadline: most are being handled.
			switch {
			case roll < 35:
			case roll < 75:
				r.Status = aldyn.ResidentInProgress
			default:
				r.Status = aldyn.ResidentAnswered
			}
		case roll < 70:
			r.Status = aldyn.ResidentAnswered
		case roll < 78:
			r.Status = aldyn.ResidentReferred
		case roll < 85:
			r.Status = aldyn.ResidentRejected
		case roll < 93:
			r.Status = aldyn.ResidentInProgress // overdue
		}
		if r.Status.Closed() {
			// Four in five on time: within the deadline; the rest late.
			span := due.Add(20 * time.Hour).Sub(created)
			if rng.IntN(5) == 0 {
				span += time.Duration(2+rng.IntN(12)) * 24 * time.Hour
			}
			at := created.Add(time.Duration(rng.Float64() * float64(span)))
			if at.After(now) {
				at = now.Add(-time.Hour)
			}
			r.AnsweredAt = &at
		}
		switch r.Status {
		case aldyn.ResidentAnswered:
			r.Answer = dc.Answers[lang][rng.IntN(len(dc.Answers[lang]))]
		case aldyn.ResidentReferred:
			r.Answer = residentReferrals[lang][rng.IntN(len(residentReferrals[lang]))]
		case aldyn.ResidentRejected:
			r.RejectReason = residentRejections[lang][rng.IntN(len(residentRejections[lang]))]
		}
		// A moderator has read most reports of public categories; the
		// newest wait, and rejected ones stay off the public pages.
		r.Published = c.Public && r.Status != aldyn.ResidentRejected && elapsed > 36*time.Hour && rng.IntN(10) < 9
		if r.Published && rng.IntN(6) == 0 {
			r.Supporters = 1 + rng.IntN(7)
		}
		out = append(out, r)
	}
	return out
}
