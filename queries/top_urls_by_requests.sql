-- The 20 most requested URLs (cs-uri-stem, as logged: IIS treats /A and /a as one URL,
-- group on lower(cs_uri_stem) to merge them) of each bundle, with their 4xx, 5xx and
-- average time-taken. Change the 20 in QUALIFY for a longer list. engines: duckdb, polars
SELECT
    bundle_id,
    cs_uri_stem,
    count(*) AS requests,
    count(CASE WHEN sc_status BETWEEN 400 AND 499 THEN 1 END) AS http_4xx,
    count(CASE WHEN sc_status BETWEEN 500 AND 599 THEN 1 END) AS http_5xx,
    avg(time_taken_ms) AS avg_time_taken_ms
FROM requests
GROUP BY bundle_id, cs_uri_stem
QUALIFY row_number() OVER (PARTITION BY bundle_id ORDER BY count(*) DESC, cs_uri_stem NULLS LAST) <= 20
ORDER BY bundle_id, requests DESC, cs_uri_stem NULLS LAST;
