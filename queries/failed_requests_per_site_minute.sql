-- Requests per site and minute, with those that failed (5xx, or a connection that
-- broke: win32 64, 995, 1236) and the time-taken. engines: duckdb, polars
SELECT
    bundle_id,
    site_id,
    date_trunc('minute', time) AS minute,
    count(*) AS requests,
    sum(CASE WHEN sc_status >= 500 OR sc_win32_status IN (64, 995, 1236) THEN 1 ELSE 0 END) AS failed,
    avg(time_taken_ms) AS avg_time_taken_ms,
    max(time_taken_ms) AS max_time_taken_ms
FROM requests
GROUP BY bundle_id, site_id, date_trunc('minute', time)
ORDER BY bundle_id, site_id, minute;
