-- +goose Up
-- The issues raised at report-back meetings, one row each (they were a JSON
-- list in report_back_meetings.issues_json). Text and answer are typed by
-- staff and reach the public only once a moderator publishes the issue
-- (published), with the words the moderator blanked (redactions, a JSON
-- list of names) and phone, e-mail and personal-number shapes replaced.
-- Issues already stored are moved here unpublished: nobody has moderated
-- them yet.

CREATE TABLE report_back_issues (
    id          INTEGER PRIMARY KEY,
    meeting_id  BIGINT NOT NULL REFERENCES report_back_meetings(id) ON DELETE CASCADE,
    position    INTEGER NOT NULL,
    text        TEXT NOT NULL,
    answer      TEXT NOT NULL DEFAULT '',
    category_id BIGINT REFERENCES resident_categories(id),
    report_id   BIGINT REFERENCES resident_reports(id),
    published   BOOLEAN NOT NULL DEFAULT FALSE,
    redactions  TEXT NOT NULL DEFAULT '[]',
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL
);
CREATE INDEX report_back_issues_meeting ON report_back_issues (meeting_id, position);

INSERT INTO report_back_issues (meeting_id, position, text, answer, category_id, report_id, created_at, updated_at)
SELECT m.id, j.key, COALESCE(json_extract(j.value, '$.text'), ''), COALESCE(json_extract(j.value, '$.answer'), ''),
       NULLIF(json_extract(j.value, '$.category_id'), 0), json_extract(j.value, '$.report_id'), m.updated_at, m.updated_at
FROM report_back_meetings m, json_each(m.issues_json) j;

ALTER TABLE report_back_meetings DROP COLUMN issues_json;

-- +goose Down
ALTER TABLE report_back_meetings ADD COLUMN issues_json TEXT NOT NULL DEFAULT '[]';
UPDATE report_back_meetings SET issues_json = COALESCE((
    SELECT json_group_array(json_object('text', i.text, 'answer', i.answer, 'category_id', i.category_id, 'report_id', i.report_id))
    FROM (SELECT * FROM report_back_issues WHERE meeting_id = report_back_meetings.id ORDER BY position) i), '[]');
DROP TABLE report_back_issues;
