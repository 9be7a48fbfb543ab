-- 5xx responses in the W3C log per hour, URL and status.substatus (500.0 a module or
-- application error, 500.19 invalid configuration, 502.3 a proxy (ARR) connection
-- error, 503.2 the concurrent request limit ...). The 503s HTTP.sys sent itself (app
-- pool down, queue full) are not here but in httperr (httperr_reasons_per_queue_hour).
-- hour_utc as in requests_per_hour. engines: duckdb, polars
SELECT
    bundle_id,
    date_trunc('hour', time AT TIME ZONE 'UTC') AS hour_utc,
    cs_uri_stem,
    sc_status,
    sc_substatus,
    count(*) AS requests
FROM requests
WHERE sc_status BETWEEN 500 AND 599
GROUP BY bundle_id, date_trunc('hour', time AT TIME ZONE 'UTC'), cs_uri_stem, sc_status, sc_substatus
ORDER BY bundle_id, hour_utc, requests DESC, cs_uri_stem NULLS LAST, sc_status, sc_substatus NULLS LAST;
