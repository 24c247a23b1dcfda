-- +goose Up
-- The residents' channel (§4.3 task 3, §4.6 task 1, §4.7 of the Concept):
-- categories of problems, the reports residents send (routed to a body),
-- their media files, internal notes, "me too" marks, and the keys
-- third-party Open311 clients post with.
--
-- Contact details, the exact point and notes are never public; the web
-- layer shows descriptions only through aldyn.ResidentReport.PublicText.
-- due_on is an ISO day, as deadlines are elsewhere. A merged duplicate
-- keeps its row (and its tracking code) with duplicate_of set.

CREATE TABLE resident_categories (
    id              INTEGER PRIMARY KEY,
    code            TEXT NOT NULL UNIQUE,
    name_ky         TEXT NOT NULL,
    name_ru         TEXT NOT NULL,
    name_en         TEXT NOT NULL,
    description_ky  TEXT NOT NULL DEFAULT '',
    description_ru  TEXT NOT NULL DEFAULT '',
    description_en  TEXT NOT NULL DEFAULT '',
    body_types_json TEXT NOT NULL DEFAULT '[]',
    deadline_days   INTEGER NOT NULL DEFAULT 0,
    public          BOOLEAN NOT NULL DEFAULT FALSE,
    sensitive       BOOLEAN NOT NULL DEFAULT FALSE,
    active          BOOLEAN NOT NULL DEFAULT TRUE,
    position        INTEGER NOT NULL DEFAULT 0,
    created_at      TIMESTAMP NOT NULL,
    updated_at      TIMESTAMP NOT NULL
);

CREATE TABLE resident_reports (
    id              INTEGER PRIMARY KEY,
    tracking_code   TEXT NOT NULL UNIQUE,
    category_id     BIGINT NOT NULL REFERENCES resident_categories(id),
    territory_code  TEXT NOT NULL REFERENCES territories(code),
    settlement_id   INTEGER NOT NULL DEFAULT 0,
    lat             REAL,
    lon             REAL,
    -- The point public maps show: the pin rounded to about 100 m inside
    -- the report's territory, or the chosen settlement; never the pin.
    pub_lat         REAL,
    pub_lon         REAL,
    address         TEXT NOT NULL DEFAULT '',
    description     TEXT NOT NULL,
    contact_name    TEXT NOT NULL DEFAULT '',
    contact_email   TEXT NOT NULL DEFAULT '',
    contact_phone   TEXT NOT NULL DEFAULT '',
    status          TEXT NOT NULL,
    body_id         BIGINT NOT NULL REFERENCES bodies(id),
    answer          TEXT NOT NULL DEFAULT '',
    reject_reason   TEXT NOT NULL DEFAULT '',
    duplicate_of    BIGINT REFERENCES resident_reports(id),
    supporters      INTEGER NOT NULL DEFAULT 0,
    published       BOOLEAN NOT NULL DEFAULT FALSE,
    redactions_json TEXT NOT NULL DEFAULT '[]',
    due_on          TEXT NOT NULL,
    escalated       BOOLEAN NOT NULL DEFAULT FALSE,
    source          TEXT NOT NULL,
    demo            BOOLEAN NOT NULL DEFAULT FALSE,
    lang            TEXT NOT NULL DEFAULT 'ky',
    created_at      TIMESTAMP NOT NULL,
    updated_at      TIMESTAMP NOT NULL,
    answered_at     TIMESTAMP
);
CREATE INDEX resident_reports_body ON resident_reports(body_id, status, due_on);
CREATE INDEX resident_reports_territory ON resident_reports(territory_code, created_at);
CREATE INDEX resident_reports_public ON resident_reports(published, created_at);
-- Covers the public map's query (published points in a box, by category,
-- status and period).
CREATE INDEX resident_reports_public_point ON resident_reports(published, pub_lat, pub_lon, category_id, status, created_at, duplicate_of, territory_code);
CREATE INDEX resident_reports_created ON resident_reports(created_at);
CREATE INDEX resident_reports_updated ON resident_reports(updated_at);
CREATE INDEX resident_reports_duplicate ON resident_reports(duplicate_of);

-- Photos and videos, metadata stripped, stored on disk under storage_key
-- like report evidence; kind is 'report' (the resident's) or 'answer'.
CREATE TABLE resident_media (
    id           INTEGER PRIMARY KEY,
    report_id    BIGINT NOT NULL REFERENCES resident_reports(id) ON DELETE CASCADE,
    kind         TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size_bytes   BIGINT NOT NULL,
    sha256       TEXT NOT NULL,
    storage_key  TEXT NOT NULL UNIQUE,
    created_at   TIMESTAMP NOT NULL
);
CREATE INDEX resident_media_report ON resident_media(report_id);

CREATE TABLE resident_notes (
    id         INTEGER PRIMARY KEY,
    report_id  BIGINT NOT NULL REFERENCES resident_reports(id) ON DELETE CASCADE,
    user_id    BIGINT,
    author     TEXT NOT NULL,
    text       TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX resident_notes_report ON resident_notes(report_id);

-- "Me too": one mark per device (a hash, never the address itself).
CREATE TABLE resident_supports (
    report_id  BIGINT NOT NULL REFERENCES resident_reports(id) ON DELETE CASCADE,
    device     TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (report_id, device)
);

-- Open311 api_key holders; only the key's SHA-256 is kept.
CREATE TABLE open311_keys (
    id           INTEGER PRIMARY KEY,
    name         TEXT NOT NULL,
    key_hash     TEXT NOT NULL UNIQUE,
    created_at   TIMESTAMP NOT NULL,
    revoked_at   TIMESTAMP,
    last_used_at TIMESTAMP
);

INSERT INTO resident_categories (code, name_ky, name_ru, name_en, body_types_json, deadline_days, public, sensitive, active, position, created_at, updated_at) VALUES
('disorder_public', 'Коомдук жайдагы тартип бузуу', 'Нарушение порядка в общественном месте', 'Disorder in a public place', '["police"]', 10, TRUE, FALSE, TRUE, 10, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
('drug_dealing', 'Баңгизат сатылып жатат деген шек', 'Подозрение на сбыт наркотиков', 'Suspected drug dealing', '["police"]', 10, FALSE, FALSE, TRUE, 20, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
('unsafe_place', 'Жарыксыз көчө же коопсуз эмес жер', 'Неосвещённая улица или опасное место', 'Unlit street or unsafe place', '["local_government"]', 15, TRUE, FALSE, TRUE, 30, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
('abandoned_building', 'Ээн калган имарат', 'Заброшенное здание', 'Abandoned building', '["local_government"]', 20, TRUE, FALSE, TRUE, 40, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
('youth_at_risk', 'Тобокелдиктеги жаштар', 'Молодёжь в группе риска', 'Young people at risk', '["police","local_government"]', 10, FALSE, FALSE, TRUE, 50, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
('dangerous_road', 'Жолдун коркунучтуу бөлүгү', 'Опасный участок дороги', 'Dangerous road section', '["local_government","police"]', 15, TRUE, FALSE, TRUE, 60, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
('traffic_violation', 'Жол эрежесин бузуу (сүрөт же видео менен)', 'Нарушение ПДД (с фото или видео)', 'Traffic violation (with photo or video)', '["police"]', 10, TRUE, FALSE, TRUE, 70, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
('municipal', 'Ээсиз жаныбарлар жана башка муниципалдык маселелер', 'Безнадзорные животные и другие муниципальные вопросы', 'Stray animals and other municipal matters', '["local_government"]', 15, TRUE, FALSE, TRUE, 80, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
('other', 'Башка маселе', 'Другое', 'Other', '["local_government","police"]', 15, TRUE, FALSE, TRUE, 90, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
('violence_home', 'Үй-бүлөдөгү зомбулук', 'Насилие в семье', 'Violence at home', '[]', 0, FALSE, TRUE, TRUE, 100, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
('violence_child', 'Балага карата зомбулук', 'Насилие в отношении ребёнка', 'Violence against a child', '[]', 0, FALSE, TRUE, TRUE, 110, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
('sexual_violence', 'Сексуалдык зомбулук', 'Сексуальное насилие', 'Sexual violence', '[]', 0, FALSE, TRUE, TRUE, 120, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP);

-- +goose Down
DROP TABLE open311_keys;
DROP TABLE resident_supports;
DROP TABLE resident_notes;
DROP TABLE resident_media;
DROP TABLE resident_reports;
DROP TABLE resident_categories;
