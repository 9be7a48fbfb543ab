-- The 20 slowest URLs of each bundle by the 95th percentile of time-taken, with the
-- median, p99 and max, among URLs with at least 10 timed requests (change the 10).
-- Percentiles are discrete (quantile_disc, PERCENTILE_DISC: the smallest time-taken
-- that at least that share of the requests did not exceed, a time a request really
-- took): DuckDB and polars give the same integers, where the interpolated quantile_cont
-- differs between them in the last bits (and so can swap two URLs' order).
-- engines: duckdb, polars
WITH per_url AS (
    SELECT
        bundle_id,
        cs_uri_stem,
        count(*) AS requests,
        CAST(quantile_disc(time_taken_ms, 0.5) AS BIGINT) AS p50_ms,
        CAST(quantile_disc(time_taken_ms, 0.95) AS BIGINT) AS p95_ms,
        CAST(quantile_disc(time_taken_ms, 0.99) AS BIGINT) AS p99_ms,
        max(time_taken_ms) AS max_ms
    FROM requests
    WHERE time_taken_ms IS NOT NULL
    GROUP BY bundle_id, cs_uri_stem
    HAVING count(*) >= 10
)
SELECT bundle_id, cs_uri_stem, requests, p50_ms, p95_ms, p99_ms, max_ms
FROM per_url
QUALIFY row_number() OVER (PARTITION BY bundle_id ORDER BY p95_ms DESC, p99_ms DESC, requests DESC, cs_uri_stem NULLS LAST) <= 20
ORDER BY bundle_id, p95_ms DESC, p99_ms DESC, requests DESC, cs_uri_stem NULLS LAST;
