-- Recycles and shutdowns of each pool (WAS 5074-5081, 5117, 5186, W3SVC-WP 2299) with
-- their reason. engines: duckdb, polars
SELECT bundle_id, app_pool, time, event_id, recycle_reason, pid
FROM lifecycle
WHERE kind IN ('recycle', 'shutdown')
ORDER BY bundle_id, app_pool, time;
