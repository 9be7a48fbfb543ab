-- Views over the dataset for the queries in this folder (DuckDB).
-- Run from the folder that holds `out/` (the README's `corvid analyze ... -o out`):
--   duckdb -c ".read queries/_views.sql" -c ".read queries/crash_signatures.sql"
CREATE OR REPLACE VIEW httperr AS SELECT * FROM read_parquet('out/dataset/httperr/*/*.parquet', hive_partitioning = true);
CREATE OR REPLACE VIEW requests AS SELECT * FROM read_parquet('out/dataset/requests/*/*.parquet', hive_partitioning = true);
CREATE OR REPLACE VIEW events AS SELECT * FROM read_parquet('out/dataset/events/*/*.parquet', hive_partitioning = true);
CREATE OR REPLACE VIEW lifecycle AS SELECT * FROM read_parquet('out/dataset/lifecycle/*/*.parquet', hive_partitioning = true);
CREATE OR REPLACE VIEW sites AS SELECT * FROM read_parquet('out/dataset/sites/*/*.parquet', hive_partitioning = true);
CREATE OR REPLACE VIEW app_pools AS SELECT * FROM read_parquet('out/dataset/app_pools/*/*.parquet', hive_partitioning = true);
CREATE OR REPLACE VIEW sources AS SELECT * FROM read_parquet('out/dataset/sources/*/*.parquet', hive_partitioning = true);
CREATE OR REPLACE VIEW parse_errors AS SELECT * FROM read_parquet('out/dataset/parse_errors/*/*.parquet', hive_partitioning = true);
CREATE OR REPLACE VIEW incidents AS SELECT * FROM read_parquet('out/dataset/incidents/*/*.parquet', hive_partitioning = true);
CREATE OR REPLACE VIEW incident_evidence AS SELECT * FROM read_parquet('out/dataset/incident_evidence/*/*.parquet', hive_partitioning = true);
