-- W3C requests that were running when a worker process of their site's pool died
-- (WAS 5009/5011): they started before the death and completed after it. Requests on
-- the dying process are usually not in the W3C log at all (they were abandoned; see
-- httperr), so this shows the survivors. engines: duckdb
WITH deaths AS (
    SELECT bundle_id, time AS died, app_pool, pid
    FROM lifecycle
    WHERE kind = 'crash' AND app_pool IS NOT NULL
),
site_pool AS (
    SELECT DISTINCT bundle_id, site_id, app_pool FROM sites WHERE app_path = '/'
)
SELECT d.bundle_id, d.app_pool, d.pid, d.died, r.site_id, r.start_time, r.time, r.time_taken_ms,
       r.sc_status, r.sc_win32_status, r.cs_uri_stem, r.source_file, r.source_line
FROM deaths d
JOIN site_pool s ON s.bundle_id = d.bundle_id AND lower(s.app_pool) = lower(d.app_pool)
JOIN requests r ON r.bundle_id = d.bundle_id AND r.site_id = s.site_id
               AND r.start_time <= d.died AND r.time >= d.died
ORDER BY d.died, r.start_time;
