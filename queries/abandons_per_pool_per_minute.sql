-- Abandoned connections (the worker process went away with the request) per app pool
-- and minute. engines: duckdb, polars
SELECT
    bundle_id,
    queue AS app_pool,
    date_trunc('minute', time) AS minute,
    count(*) AS abandoned
FROM httperr
WHERE reason IN ('Connection_Abandoned_By_ReqQueue', 'Connection_Abandoned_By_AppPool')
GROUP BY bundle_id, queue, date_trunc('minute', time)
ORDER BY bundle_id, app_pool, minute;
