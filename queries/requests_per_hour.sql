-- Requests per hour, with the errors among them: 4xx, 5xx and broken connections
-- (win32 64, 995, 1236). Hours without a request have no row. hour_utc is the start of
-- the UTC hour as a timestamp without zone: `time AT TIME ZONE 'UTC'` keeps DuckDB's
-- session TimeZone from moving the buckets (a bare date_trunc('hour', time) cuts at
-- :30 in Asia/Kolkata). engines: duckdb, polars
SELECT
    bundle_id,
    date_trunc('hour', time AT TIME ZONE 'UTC') AS hour_utc,
    count(*) AS requests,
    count(CASE WHEN sc_status BETWEEN 400 AND 499 THEN 1 END) AS http_4xx,
    count(CASE WHEN sc_status BETWEEN 500 AND 599 THEN 1 END) AS http_5xx,
    count(CASE WHEN sc_win32_status IN (64, 995, 1236) THEN 1 END) AS broken
FROM requests
GROUP BY bundle_id, date_trunc('hour', time AT TIME ZONE 'UTC')
ORDER BY bundle_id, hour_utc;
