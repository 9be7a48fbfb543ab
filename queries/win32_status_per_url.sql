-- The 50 most frequent (win32 status, URL) pairs of each bundle, win32 status not 0:
-- 64 the client went away, 995 the I/O was aborted, 1236 the connection was aborted
-- by the server, 121 a semaphore timeout, 1229 the connection no longer existed; 2 and
-- 5 (file not found, access denied) come with 404 and 401. engines: duckdb, polars
SELECT
    bundle_id,
    sc_win32_status,
    cs_uri_stem,
    count(*) AS requests,
    min(time) AS first_seen,
    max(time) AS last_seen
FROM requests
WHERE sc_win32_status <> 0
GROUP BY bundle_id, sc_win32_status, cs_uri_stem
QUALIFY row_number() OVER (PARTITION BY bundle_id ORDER BY count(*) DESC, sc_win32_status, cs_uri_stem NULLS LAST) <= 50
ORDER BY bundle_id, requests DESC, sc_win32_status, cs_uri_stem NULLS LAST;
