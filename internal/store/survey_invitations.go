package store

import (
	"context"

	"github.com/aldyn-kg/aldyn"
)

// AddSurveyInvitations stores the hashes of new one-use invitation codes
// of survey id (the codes themselves are given to the designer once and
// never stored); audited with their number.
func (db *DB) AddSurveyInvitations(ctx context.Context, actor *aldyn.Actor, surveyID int64, hashes []string) error {
	return db.Update(ctx, actor, func(tx *Tx) error {
		sv, err := tx.designedSurvey(ctx, surveyID)
		if err != nil {
			return err
		}
		if sv.OnePer != aldyn.OnePerInvitation {
			return aldyn.Errorf(aldyn.EINVALID, "surveys.error.not_invitation")
		}
		for _, h := range hashes {
			if _, err := tx.exec(ctx, "INSERT INTO survey_invitations (survey_id, code_hash, created_at) VALUES (?, ?, ?)", surveyID, h, tx.now); err != nil {
				return tx.db.normalize(err)
			}
		}
		return tx.Audit(ctx, aldyn.AuditCreate, "survey_invitations", idString(surveyID), sv.TerritoryCode, nil, map[string]any{"codes": len(hashes)})
	})
}

// SurveyInvitationCounts returns how many invitation codes survey id has
// and how many of them were used.
func (db *DB) SurveyInvitationCounts(ctx context.Context, surveyID int64) (issued, used int, err error) {
	err = db.queryRow(ctx, "SELECT COUNT(*), COUNT(used_at) FROM survey_invitations WHERE survey_id = ?", surveyID).Scan(&issued, &used)
	return issued, used, db.normalize(err)
}

// useInvitation marks the invitation whose hash is key used, or refuses a
// code never issued (EINVALID) or already used (ECONFLICT).
func (tx *Tx) useInvitation(ctx context.Context, surveyID int64, key string) error {
	res, err := tx.exec(ctx, "UPDATE survey_invitations SET used_at = ? WHERE survey_id = ? AND code_hash = ? AND used_at IS NULL", tx.now, surveyID, key)
	if err != nil {
		return tx.db.normalize(err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return tx.db.normalize(err)
	} else if n == 1 {
		return nil
	}
	var n int
	if err := tx.queryRow(ctx, "SELECT COUNT(*) FROM survey_invitations WHERE survey_id = ? AND code_hash = ?", surveyID, key).Scan(&n); err != nil {
		return tx.db.normalize(err)
	}
	if n == 0 {
		return aldyn.Errorf(aldyn.EINVALID, "surveys.error.invitation_unknown")
	}
	return aldyn.Errorf(aldyn.ECONFLICT, "surveys.error.already_answered")
}
