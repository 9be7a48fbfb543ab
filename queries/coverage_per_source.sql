-- What each kind of source covers, and what was not read. engines: duckdb, polars
SELECT
    bundle_id,
    kind,
    count(*) AS files,
    sum(CASE WHEN status = 'parsed' THEN 1 ELSE 0 END) AS parsed,
    sum(CASE WHEN status <> 'parsed' THEN 1 ELSE 0 END) AS not_fully_read,
    min(first_time) AS first_time,
    max(last_time) AS last_time,
    sum(rows) AS rows
FROM sources
GROUP BY bundle_id, kind
ORDER BY bundle_id, kind;
