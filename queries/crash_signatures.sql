-- Worker process crashes grouped by faulting module and exception code (Application
-- Error 1000 for w3wp.exe), with counts and first/last seen. engines: duckdb, polars
SELECT
    bundle_id,
    faulting_module,
    exception_code,
    count(*) AS crashes,
    min(time) AS first_seen,
    max(time) AS last_seen
FROM lifecycle
WHERE kind = 'crash' AND provider = 'Application Error'
GROUP BY bundle_id, faulting_module, exception_code
ORDER BY crashes DESC, first_seen;
