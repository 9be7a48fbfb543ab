-- Every incident with its evidence, in order. engines: duckdb, polars
SELECT i.bundle_id, i.incident_id, i.kind, i.app_pool, i.start, i."end", i.failed_requests,
       e.seq, e.source, e.time AS evidence_time, e.source_file, e.source_line, e.record_id, e.summary
FROM incidents i
JOIN incident_evidence e ON e.bundle_id = i.bundle_id AND e.incident_id = i.incident_id
ORDER BY i.bundle_id, i.start, i.incident_id, e.seq;
