-- +goose Up
-- Records by precinct, category, register and month: the ranking of a
-- scope's precincts and a precinct's monthly series read it instead of
-- every record of the precincts (millions in a city). Kept by imports in
-- their own transaction, as offense_monthly is; the key INCLUDEs the
-- counts for index-only scans.
CREATE TABLE offense_precinct_monthly (
    precinct_code TEXT COLLATE "C" NOT NULL,
    category      TEXT COLLATE "C" NOT NULL,
    source        TEXT COLLATE "C" NOT NULL,
    year          INTEGER NOT NULL,
    month         INTEGER NOT NULL,
    count         INTEGER NOT NULL,
    solved        INTEGER NOT NULL,
    PRIMARY KEY (precinct_code, category, year, month, source) INCLUDE (count, solved)
);

INSERT INTO offense_precinct_monthly (precinct_code, category, source, year, month, count, solved)
SELECT precinct_code, category, source, year, month, COUNT(*), COUNT(*) FILTER (WHERE solved)
FROM offenses WHERE precinct_code <> ''
GROUP BY 1, 2, 3, 4, 5;

-- +goose Down
DROP TABLE offense_precinct_monthly;
