-- The 20 client addresses of each bundle that sent the most requests, with their errors
-- (4xx and 5xx), bytes sent to them (null when the log has no sc-bytes) and first and
-- last request. Behind a load balancer c_ip is the balancer's: the real client is in
-- `extra` (X-Forwarded-For) when the log has that field. engines: duckdb, polars
SELECT
    bundle_id,
    c_ip,
    count(*) AS requests,
    count(CASE WHEN sc_status BETWEEN 400 AND 599 THEN 1 END) AS errors,
    CAST(sum(sc_bytes) AS BIGINT) AS sc_bytes_total,
    min(time) AS first_seen,
    max(time) AS last_seen
FROM requests
GROUP BY bundle_id, c_ip
QUALIFY row_number() OVER (PARTITION BY bundle_id ORDER BY count(*) DESC, c_ip NULLS LAST) <= 20
ORDER BY bundle_id, requests DESC, c_ip NULLS LAST;
