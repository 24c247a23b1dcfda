package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"strings"

	"github.com/aldyn-kg/aldyn"
)

// This file stores the issues raised at report-back meetings, one row
// each in the meeting's order, and their moderation: staff type an issue
// and its answer, and the public reads them only once a coordinator or an
// administrator covering the precinct publishes the issue, blanking names.

// loadReportBackIssues fills the issues of meetings.
func loadReportBackIssues(ctx context.Context, r reader, ms []*aldyn.ReportBackMeeting) error {
	if len(ms) == 0 {
		return nil
	}
	id := func(m *aldyn.ReportBackMeeting) int64 { return m.ID }
	in, args := idList(idsOf(ms, id))
	var redactions string
	var reportID sql.NullInt64
	return loadChildren(ctx, r, byIDOf(ms, id), func(m *aldyn.ReportBackMeeting) *[]aldyn.ReportBackIssue { return &m.Issues },
		func(meetingID *int64, is *aldyn.ReportBackIssue) []any {
			return []any{intInto[int64]{meetingID}, intInto[int64]{&is.ID}, &is.Text, &is.Answer, intInto[int64]{&is.CategoryID},
				issueReport{is, &reportID}, boolInto{&is.Published}, issueRedactions{is, &redactions}}
		},
		`SELECT i.meeting_id, i.id, i.text, i.answer, i.category_id, i.report_id, i.published, i.redactions
			FROM report_back_issues i WHERE i.meeting_id IN (`+in+`) ORDER BY i.meeting_id, i.position`, args...)
}

// issueReport and issueRedactions scan an issue's report id (NULL when
// none) and its redactions (a JSON list) into the issue being read.
type issueReport struct {
	is *aldyn.ReportBackIssue
	n  *sql.NullInt64
}

func (s issueReport) Scan(v any) error {
	if err := s.n.Scan(v); err != nil {
		return err
	}
	s.is.ReportID = nil
	if s.n.Valid {
		id := s.n.Int64
		s.is.ReportID = &id
	}
	return nil
}

type issueRedactions struct {
	is *aldyn.ReportBackIssue
	s  *string
}

func (s issueRedactions) Scan(v any) error {
	if err := (strInto[string]{s.s}).Scan(v); err != nil {
		return err
	}
	s.is.Redactions = nil
	return json.Unmarshal([]byte(*s.s), &s.is.Redactions)
}

// keepIssues carries over to m's issues what the meeting's issues before
// the change (old) had and a form cannot set: the row, the report made of
// it, the moderation. An issue is the old one of its id, or else of the
// same text; a changed text or answer is withdrawn until moderated again.
// A new issue starts unpublished.
func keepIssues(m, old *aldyn.ReportBackMeeting) {
	byID, byText := map[int64]aldyn.ReportBackIssue{}, map[string]aldyn.ReportBackIssue{}
	if old != nil {
		for _, is := range old.Issues {
			byID[is.ID] = is
			byText[strings.ToLower(is.Text)] = is
		}
	}
	used := map[int64]bool{}
	for i := range m.Issues {
		is := &m.Issues[i]
		was, ok := byID[is.ID]
		if !ok || is.ID == 0 {
			was, ok = byText[strings.ToLower(is.Text)]
		}
		if !ok || used[was.ID] {
			is.ID, is.ReportID, is.Published, is.Redactions = 0, nil, false, nil
			continue
		}
		used[was.ID] = true
		is.ID, is.ReportID, is.Redactions = was.ID, was.ReportID, was.Redactions
		is.Published = was.Published && is.Text == was.Text && is.Answer == was.Answer
	}
}

// reportBackIssueWrites are the columns of an issue both its insert and
// its update write.
var reportBackIssueWrites = []string{"position", "text", "answer", "category_id", "report_id"}

// saveReportBackIssues writes m's issues in their order: it updates those
// kept, inserts the new ones and deletes those left out.
func (tx *Tx) saveReportBackIssues(ctx context.Context, m, old *aldyn.ReportBackMeeting) error {
	kept := map[int64]bool{}
	for i := range m.Issues {
		is := &m.Issues[i]
		if is.Redactions == nil {
			is.Redactions = []string{}
		}
		var cat any
		if is.CategoryID > 0 {
			cat = is.CategoryID
		}
		if is.ID != 0 {
			kept[is.ID] = true
			if _, err := tx.exec(ctx, updateSQL("report_back_issues", "id = ? AND meeting_id = ?", reportBackIssueWrites, "published", "updated_at"),
				i, is.Text, is.Answer, cat, is.ReportID, is.Published, tx.now, is.ID, m.ID); err != nil {
				return tx.db.normalize(err)
			}
			continue
		}
		if err := tx.queryRow(ctx, insertSQL("report_back_issues", reportBackIssueWrites, "published", "meeting_id", "redactions", "created_at", "updated_at"),
			i, is.Text, is.Answer, cat, is.ReportID, false, m.ID, jsonText(is.Redactions), tx.now, tx.now).Scan(&is.ID); err != nil {
			return tx.db.normalize(err)
		}
	}
	if old == nil {
		return nil
	}
	for _, is := range old.Issues {
		if !kept[is.ID] {
			if _, err := tx.exec(ctx, "DELETE FROM report_back_issues WHERE id = ?", is.ID); err != nil {
				return tx.db.normalize(err)
			}
		}
	}
	return nil
}

// ModerateReportBackIssue publishes or withdraws an issue of a meeting and
// sets the words (names) blanked in its text and answer on public pages.
// Coordinators and administrators covering the meeting's precinct
// moderate; the change is audited.
func (db *DB) ModerateReportBackIssue(ctx context.Context, actor *aldyn.Actor, meetingID, issueID int64, mod aldyn.IssueModeration) (*aldyn.ReportBackIssue, error) {
	clean, err := aldyn.CleanRedactions(mod.Redactions)
	if err != nil {
		return nil, err
	}
	var out *aldyn.ReportBackIssue
	err = db.Update(ctx, actor, func(tx *Tx) error {
		m, err := tx.reportBack(ctx, meetingID)
		if err != nil {
			return err
		}
		if !tx.actor.CanModerateResidents(m.PrecinctPath) {
			return aldyn.Errorf(aldyn.EFORBIDDEN, "error.forbidden")
		}
		for i := range m.Issues {
			is := &m.Issues[i]
			if is.ID != issueID {
				continue
			}
			before := map[string]any{"published": is.Published, "redactions": is.Redactions}
			is.Published, is.Redactions = mod.Published, clean
			if _, err := tx.exec(ctx, "UPDATE report_back_issues SET published = ?, redactions = ?, updated_at = ? WHERE id = ?",
				is.Published, jsonText(is.Redactions), tx.now, is.ID); err != nil {
				return tx.db.normalize(err)
			}
			out = is
			return tx.Audit(ctx, aldyn.AuditUpdate, "report_back_issue", idString(is.ID), m.PrecinctCode, before,
				map[string]any{"meeting_id": m.ID, "published": is.Published, "redactions": is.Redactions})
		}
		return aldyn.Errorf(aldyn.ENOTFOUND, "reportback.error.issue_not_found")
	})
	return out, err
}
