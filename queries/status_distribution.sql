-- Requests per HTTP status and IIS substatus (404.0, 401.2, 503.2 ...) and their share
-- of the bundle's requests, most frequent first. engines: duckdb, polars
SELECT
    bundle_id,
    sc_status,
    sc_substatus,
    count(*) AS requests,
    100 * CAST(count(*) AS DOUBLE) / sum(count(*)) OVER (PARTITION BY bundle_id) AS percent
FROM requests
GROUP BY bundle_id, sc_status, sc_substatus
ORDER BY bundle_id, requests DESC, sc_status NULLS LAST, sc_substatus NULLS LAST;
