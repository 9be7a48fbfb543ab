-- The 20 user agents of each bundle that sent the most requests (spaces are logged as
-- `+`), with how many client addresses used each and their errors (4xx and 5xx).
-- engines: duckdb, polars
SELECT
    bundle_id,
    user_agent,
    count(*) AS requests,
    count(DISTINCT c_ip) AS clients,
    count(CASE WHEN sc_status BETWEEN 400 AND 599 THEN 1 END) AS errors
FROM requests
GROUP BY bundle_id, user_agent
QUALIFY row_number() OVER (PARTITION BY bundle_id ORDER BY count(*) DESC, user_agent NULLS LAST) <= 20
ORDER BY bundle_id, requests DESC, user_agent NULLS LAST;
