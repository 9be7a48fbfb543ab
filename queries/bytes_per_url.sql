-- The 20 URLs of each bundle that sent the most bytes (sc-bytes) in all, with the
-- average and largest response and the bytes received (cs-bytes). Requests without
-- sc-bytes (the field is not logged by default) are left out. engines: duckdb, polars
SELECT
    bundle_id,
    cs_uri_stem,
    count(*) AS requests,
    CAST(sum(sc_bytes) AS BIGINT) AS sc_bytes_total,
    avg(sc_bytes) AS sc_bytes_avg,
    max(sc_bytes) AS sc_bytes_max,
    CAST(sum(cs_bytes) AS BIGINT) AS cs_bytes_total
FROM requests
WHERE sc_bytes IS NOT NULL
GROUP BY bundle_id, cs_uri_stem
QUALIFY row_number() OVER (PARTITION BY bundle_id ORDER BY sum(sc_bytes) DESC, cs_uri_stem NULLS LAST) <= 20
ORDER BY bundle_id, sc_bytes_total DESC, cs_uri_stem NULLS LAST;
