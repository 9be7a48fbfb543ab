-- The 20 URLs of each bundle that took the most server time in all (sum of
-- time-taken): where the server spends its time, frequent and slow alike. Requests
-- without a time-taken are left out. engines: duckdb, polars
SELECT
    bundle_id,
    cs_uri_stem,
    CAST(sum(time_taken_ms) AS BIGINT) AS total_time_taken_ms,
    count(*) AS requests,
    avg(time_taken_ms) AS avg_time_taken_ms,
    max(time_taken_ms) AS max_time_taken_ms
FROM requests
WHERE time_taken_ms IS NOT NULL
GROUP BY bundle_id, cs_uri_stem
QUALIFY row_number() OVER (PARTITION BY bundle_id ORDER BY sum(time_taken_ms) DESC, cs_uri_stem NULLS LAST) <= 20
ORDER BY bundle_id, total_time_taken_ms DESC, cs_uri_stem NULLS LAST;
