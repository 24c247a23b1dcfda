-- +goose Up
-- Records by weekday and hour of the day (-1 for unknown) per territory,
-- category and year, for the country and the oblasts (depths 1 and 2, as
-- offense_monthly counts them): the weekday × hour table of those scopes
-- reads it instead of every record. Kept by imports in their own
-- transaction.
CREATE TABLE offense_hourly (
    depth          INTEGER NOT NULL,
    territory_path TEXT NOT NULL,
    category       TEXT NOT NULL,
    year           INTEGER NOT NULL,
    weekday        INTEGER NOT NULL,
    hour           INTEGER NOT NULL,
    count          BIGINT NOT NULL,
    PRIMARY KEY (depth, territory_path, category, year, weekday, hour)
) WITHOUT ROWID;

INSERT INTO offense_hourly (depth, territory_path, category, year, weekday, hour, count)
SELECT d.depth,
    CASE WHEN LENGTH(o.territory_path) > 1 + 15 * d.depth THEN SUBSTR(o.territory_path, 1, 1 + 15 * d.depth) ELSE o.territory_path END,
    o.category, o.year, o.weekday, o.hour, COUNT(*)
FROM offenses o CROSS JOIN (SELECT 1 AS depth UNION ALL SELECT 2) d
GROUP BY 1, 2, 3, 4, 5, 6;

-- +goose Down
DROP TABLE offense_hourly;
