package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/aldyn-kg/aldyn"
	"github.com/aldyn-kg/aldyn/internal/store"
)

// Demo report-back meetings of precinct inspectors in the demo precincts
// of Alamüdün and Suzak: held and not held ones over the last year (so the
// police unit scorecards and the indicators have figures), and upcoming
// ones in the weeks after the day the demo is loaded. Inspectors' names are
// fictitious and marked demo; two issues raised become demo residents'
// reports, routed as any report is. The first issue of each meeting is
// published, the others await moderation.

type demoMeeting struct {
	district, body string
	post           int
	days           int // from the day the demo is loaded; negative in the past
	inspector      string
	role           string
	place          string
	attendance     int    // held when > 0
	notHeld        string // the reason, when not held
	issues         []demoIssue
}

type demoIssue struct{ text, answer, category string }

var demoMeetings = []demoMeeting{
	{district: Alamudun, body: "alamudun-police", post: 1, days: -300, inspector: "Асанов Бакыт (демо)", role: aldyn.InspectorPrecinct,
		place: "Аламүдүн айыл өкмөтүнүн жыйындар залы", attendance: 46, issues: []demoIssue{
			{"Бакта кечинде жаштар спирт ичип, ызы-чуу салышат", "Кечки патрулдук рейддер күчөтүлөт", "disorder_public"},
			{"Мектептин жанындагы жолдо жарык жок", "Айыл өкмөтүнө кайрылуу жөнөтүлдү", ""}}},
	{district: Alamudun, body: "alamudun-police", post: 2, days: -230, inspector: "Жээнбекова Айгүл (демо)", role: aldyn.InspectorJuvenile,
		place: "№5 орто мектептин чоң залы", attendance: 31, issues: []demoIssue{
			{"Балдар сабактан кийин көчөдө көзөмөлсүз калышат", "Мектеп менен бирге ийримдер уюштурулат", ""}}},
	{district: Alamudun, body: "alamudun-police", post: 3, days: -150, inspector: "Асанов Бакыт (демо)", role: aldyn.InspectorPrecinct,
		place: "Маданият үйү", notHeld: "Инспектор облустук окууга чакырылды; жолугушуу кийинки айга жылдырылды"},
	{district: Alamudun, body: "alamudun-police", post: 3, days: -120, inspector: "Асанов Бакыт (демо)", role: aldyn.InspectorPrecinct,
		place: "Маданият үйү", attendance: 58, issues: []demoIssue{
			{"Таштанды төгүлгөн ээн имаратта түнкүсүн бейтааныш адамдар жүрүшөт", "Имараттын ээсине эскертүү берилди, участок текшерилет", "abandoned_building"},
			{"Базардын жанында уурулук көбөйдү", "Базардын күзөтү менен биргелешкен кезмет уюштурулду", ""}}},
	{district: Alamudun, body: "alamudun-police", post: 4, days: -60, inspector: "Токтогулов Нурлан (демо)", role: aldyn.InspectorPrecinct,
		place: "Айылдык клуб", attendance: 22, issues: []demoIssue{
			{"Короолордо ит көп, балдар коркушат", "Айыл өкмөтүнүн ветеринардык кызматына берилди", ""}}},
	{district: Suzak, body: "suzak-police", post: 1, days: -280, inspector: "Мамытов Эрлан (демо)", role: aldyn.InspectorPrecinct,
		place: "Сузак айыл өкмөтүнүн жыйындар залы", attendance: 64, issues: []demoIssue{
			{"Трасса жанындагы жолдо айдоочулар ылдамдыкты ашырышат", "ЖКККБ менен рейд өткөрүлөт", ""}}},
	{district: Suzak, body: "suzak-police", post: 2, days: -200, inspector: "Абдыкадырова Гүлнара (демо)", role: aldyn.InspectorJuvenile,
		place: "№2 мектептин китепканасы", notHeld: "Мектепте карантин жарыяланды"},
	{district: Suzak, body: "suzak-police", post: 2, days: -90, inspector: "Абдыкадырова Гүлнара (демо)", role: aldyn.InspectorJuvenile,
		place: "№2 мектептин китепканасы", attendance: 27, issues: []demoIssue{
			{"Өспүрүмдөр интернет-клубда түн бою отурушат", "Клубдун ээси менен түшүндүрүү иши жүргүзүлдү", ""}}},
	{district: Alamudun, body: "alamudun-police", post: 1, days: 9, inspector: "Асанов Бакыт (демо)", role: aldyn.InspectorPrecinct,
		place: "Аламүдүн айыл өкмөтүнүн жыйындар залы"},
	{district: Alamudun, body: "alamudun-police", post: 2, days: 16, inspector: "Жээнбекова Айгүл (демо)", role: aldyn.InspectorJuvenile,
		place: "№5 орто мектептин чоң залы"},
	{district: Suzak, body: "suzak-police", post: 1, days: 12, inspector: "Мамытов Эрлан (демо)", role: aldyn.InspectorPrecinct,
		place: "Сузак айыл өкмөтүнүн жыйындар залы"},
	{district: Suzak, body: "suzak-police", post: 3, days: 23, inspector: "Мамытов Эрлан (демо)", role: aldyn.InspectorPrecinct,
		place: "Көк-Жаңгак айылдык клубу"},
}

// LoadReportBackMeetings adds the demo meetings once (none are added when
// any meeting exists). Districts or bodies missing from the database (a
// test's reduced reference data) get none.
func LoadReportBackMeetings(ctx context.Context, db *store.DB) error {
	if _, total, err := db.FindReportBackMeetings(ctx, aldyn.ReportBackFilter{Page: aldyn.Page{Limit: 1}}); err != nil || total > 0 {
		return err
	}
	if _, err := ensurePrecincts(ctx, db); err != nil {
		return err
	}
	bodies, err := BodyIDs(ctx, db)
	if err != nil {
		return err
	}
	cats, err := db.FindResidentCategories(ctx, true)
	if err != nil {
		return err
	}
	catID := map[string]int64{}
	for _, c := range cats {
		catID[c.Code] = c.ID
	}
	now := db.Now()
	day := time.Date(now.Year(), now.Month(), now.Day(), 12, 0, 0, 0, time.UTC) // 18:00 in Bishkek
	for _, dm := range demoMeetings {
		body, ok := bodies[dm.body]
		code := fmt.Sprintf("%s-D%d", dm.district, dm.post)
		if _, err := db.FindTerritoryByCode(ctx, code); !ok || err != nil {
			continue
		}
		m := &aldyn.ReportBackMeeting{PrecinctCode: code, BodyID: body, InspectorName: dm.inspector, InspectorRole: dm.role,
			StartsAt: day.AddDate(0, 0, dm.days), Place: dm.place, Demo: true}
		switch {
		case dm.attendance > 0:
			n := dm.attendance
			m.Status, m.Attendance = aldyn.ReportBackHeld, &n
			for _, is := range dm.issues {
				m.Issues = append(m.Issues, aldyn.ReportBackIssue{Text: is.text, Answer: is.answer, CategoryID: catID[is.category]})
			}
		case dm.notHeld != "":
			m.Status, m.NotHeldReason = aldyn.ReportBackNotHeld, dm.notHeld
		}
		if err := db.CreateReportBackMeeting(ctx, aldyn.System, m); err != nil {
			return fmt.Errorf("demo report-back meeting in %s: %w", code, err)
		}
		// A moderator published the first issue of each meeting; the
		// others await moderation.
		if len(m.Issues) > 0 {
			if _, err := db.ModerateReportBackIssue(ctx, aldyn.System, m.ID, m.Issues[0].ID, aldyn.IssueModeration{Published: true}); err != nil {
				return fmt.Errorf("demo report-back issue in %s: %w", code, err)
			}
		}
	}
	return nil
}
