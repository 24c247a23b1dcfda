package store

import (
	"context"
	"database/sql"
)

// Setting returns the value of an installation setting and whether it is set.
func (db *DB) Setting(ctx context.Context, key string) (string, bool, error) {
	var v string
	err := db.queryRow(ctx, `SELECT value FROM settings WHERE key = ?`, key).Scan(&v)
	if err == sql.ErrNoRows {
		return "", false, nil
	}
	return v, err == nil, db.normalize(err)
}

// SetSetting stores an installation setting.
func (tx *Tx) SetSetting(ctx context.Context, key, value string) error {
	// Settings such as the minimum cell count shape statistics answers.
	tx.refChanged = true
	_, err := tx.exec(ctx, `INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`, key, value)
	return err
}

// EnsureSetting stores value under key unless the key is already set, and
// returns the stored value. It is how the installation's secrets are made
// once and kept.
func (db *DB) EnsureSetting(ctx context.Context, key string, value func() string) (string, error) {
	if v, ok, err := db.Setting(ctx, key); err != nil || ok {
		return v, err
	}
	err := db.Update(ctx, nil, func(tx *Tx) error {
		_, err := tx.exec(ctx, `INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING`, key, value())
		return err
	})
	if err != nil {
		return "", err
	}
	v, _, err := db.Setting(ctx, key)
	return v, err
}

// SettingsWithPrefix returns the settings whose keys start with prefix, by key.
func (db *DB) SettingsWithPrefix(ctx context.Context, prefix string) (map[string]string, error) {
	m, err := scanMap[string, string](ctx, db, `SELECT key, value FROM settings WHERE key LIKE ? ESCAPE '\' ORDER BY key`, likeEscape(prefix)+"%")
	return m, db.normalize(err)
}
