-- +goose Up
-- Reminders of reported figures (issue 19): one row per data set, body,
-- period and kind ("due" before the deadline, "overdue" after it), so that
-- each reminder reaches a body once however often the reminder runs.
CREATE TABLE data_form_reminders (
    data_set_code TEXT NOT NULL,
    body_id       INTEGER NOT NULL REFERENCES bodies(id) ON DELETE CASCADE,
    period        TEXT NOT NULL,
    kind          TEXT NOT NULL,
    sent_at       TIMESTAMP NOT NULL,
    PRIMARY KEY (data_set_code, body_id, period, kind)
);

-- +goose Down
DROP TABLE data_form_reminders;
