-- HTTP.sys error log lines per hour, request queue (app pool) and reason. Lines HTTP.sys
-- refused before routing (bad requests, idle connection timeouts) have no queue: they
-- come last in each hour. hour_utc as in requests_per_hour. engines: duckdb, polars
SELECT
    bundle_id,
    date_trunc('hour', time AT TIME ZONE 'UTC') AS hour_utc,
    queue,
    reason,
    count(*) AS lines
FROM httperr
GROUP BY bundle_id, date_trunc('hour', time AT TIME ZONE 'UTC'), queue, reason
ORDER BY bundle_id, hour_utc, queue NULLS LAST, lines DESC, reason NULLS LAST;
