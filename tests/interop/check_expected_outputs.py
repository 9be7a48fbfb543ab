"""Compares corvid's rows for public sample files with the expected outputs other projects
publish for the same files, field by field (issue 17).

The expected values are transcribed in FIXTURES_DIR (tests/fixtures/expected/), one JSON
file per corpus file, each naming the repository, path, commit and licence it was copied
from:
- Elastic Filebeat's iis module (elastic/beats, filebeat/module/iis/{access,error}/test/
  *-expected.json) and the Elastic integrations iis package (elastic/integrations,
  packages/iis/data_stream/{access,error}/_dev/test/pipeline/*-expected.json), for the
  corpus files under beats/ and elastic-integrations/;
- plaso's parser tests (log2timeline/plaso, tests/parsers/text_plugins/iis.py and
  tests/parsers/winevtx.py), for the corpus files under plaso/.

Rows are found by `source_file` (path in the corpus folder) and `source_line` (W3C and
HTTPERR) or `record_id` (EVTX). Each expected field is mapped to corvid's column (FIELD
MAPS below) and compared. A value that differs is, in this order: a documented difference
(DOCUMENTED: a formatting or design choice, each with its reason and a check that the two
values are the same information), a known corvid bug (KNOWN_BUGS: reported on every run,
not failing), or another difference, which fails the run.

Before comparing, the fixtures are checked against the corpus files (CORVID_CORPUS, else
../shared/corpus next to the repository): Filebeat's log.offset must be the byte offset
of the line, and documents in order must be the data lines in order, so an expected file
of another version than the corpus file's is caught.

Usage: python3 tests/interop/check_expected_outputs.py OUT FIXTURES_DIR
       (OUT is corvid analyze's -o folder; run by tests/interop.rs)
Ends with `expected outputs: N fields compared, M documented differences, 0 other
differences` and exit status 0 when clean; exit status 1 on any other difference.
"""
import json
import os
import sys
import xml.etree.ElementTree as ET
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import unquote_plus

import polars as pl

ROOT = Path(__file__).resolve().parents[2]

# Field maps: their field -> (corvid column, how to compare). ------------------------------
# Kinds: str, int, ts (instant, compared in nanoseconds), ns_ms (Elastic's event.duration in
# ns vs time_taken_ms), http_version (ECS "1.1" vs "HTTP/1.1"), ip / address (address keeps
# an IPv6 zone in Elastic), forwarded (the first custom field after the layout, see
# forwarded_value), user (user.name with user.domain), strings (plaso's insertion strings
# vs event_data's values in order), message_id (plaso's message identifier: qualifiers << 16
# | event id), none (corvid has no column: only the FTP row, which corvid does not read).
ELASTIC_ACCESS = {
    "@timestamp": ("time", "ts"),
    "destination.address": ("s_ip", "address"),
    "destination.ip": ("s_ip", "ip"),
    "destination.port": ("s_port", "int"),
    "destination.domain": ("cs_host", "str"),
    "event.duration": ("time_taken_ms", "ns_ms"),
    "http.request.method": ("cs_method", "str"),
    "http.request.referrer": ("referer", "str"),
    "http.request.body.bytes": ("cs_bytes", "int"),
    "http.response.body.bytes": ("sc_bytes", "int"),
    "http.response.status_code": ("sc_status", "int"),
    "http.version": ("cs_version", "http_version"),
    "iis.access.site_name": ("site_name", "str"),
    "iis.access.server_name": ("s_computername", "str"),
    "iis.access.sub_status": ("sc_substatus", "int"),
    "iis.access.win32_status": ("sc_win32_status", "int"),
    "iis.access.cookie": ("cookie", "str"),
    "iis.access.session_id": (None, "none"),
    "network.forwarded_ip": ("extra", "forwarded"),
    "source.address": ("c_ip", "address"),
    "source.ip": ("c_ip", "ip"),
    "url.original": ("cs_uri_stem", "str"),
    "url.path": ("cs_uri_stem", "str"),
    "url.query": ("cs_uri_query", "str"),
    "user.name": ("cs_username", "user"),
    "user_agent.original": ("user_agent", "str"),
}
ELASTIC_ERROR = {
    "@timestamp": ("time", "ts"),
    "destination.address": ("s_ip", "address"),
    "destination.ip": ("s_ip", "ip"),
    "destination.port": ("s_port", "int"),
    "source.address": ("c_ip", "address"),
    "source.ip": ("c_ip", "ip"),
    "source.port": ("c_port", "int"),
    "http.request.method": ("cs_method", "str"),
    "http.response.status_code": ("sc_status", "int"),
    "http.version": ("cs_version", "http_version"),
    "iis.error.reason_phrase": ("reason", "str"),
    "iis.error.queue_name": ("queue", "str"),
    "url.original": ("cs_uri", "str"),
}
PLASO_IIS = {
    "last_written_time": ("time", "ts"),
    "dest_ip": ("s_ip", "str"),
    "dest_port": ("s_port", "int"),
    "source_ip": ("c_ip", "str"),
    "http_method": ("cs_method", "str"),
    "http_status": ("sc_status", "int"),
    "requested_uri_stem": ("cs_uri_stem", "str"),
    "user_agent": ("user_agent", "str"),
    "protocol_version": ("cs_version", "str"),
}
PLASO_EVTX = {
    "creation_time": ("time", "ts"),
    "written_time": ("time", "ts"),
    "event_identifier": ("event_id", "int"),
    "event_level": ("level", "int"),
    "event_version": ("version", "int"),
    "hostname": ("computer", "str"),
    "message_identifier": ("qualifiers", "message_id"),
    "provider_identifier": ("provider_guid", "str"),
    "record_number": ("record_id", "int"),
    "source_name": ("provider", "str"),
    "strings": ("event_data", "strings"),
    # xml_string is split into one comparison per element and attribute (xml_fields).
}
# Compared inside another field (user.domain with user.name).
FOLDED = {"user.domain"}
# Corvid's raw-value names for the address columns (the keys of `extra`).
RAW_NAME = {"s_ip": "s-ip", "c_ip": "c-ip"}

# Documented differences: key -> reason. Each has a check (documented_key) that the two
# values are the same information written differently, never a blanket skip.
DOCUMENTED = {
    "ua_plus_decoded": "Elastic URL-decodes cs(User-Agent) ('+' to space, %XX); corvid keeps the "
                       "field as IIS logged it (README: spaces appear as '+').",
    "query_decoded": "Elastic URL-decodes cs-uri-query into url.query ('+' and %XX); corvid keeps "
                     "the raw query string (attack strings stay verbatim).",
    "dash_kept": "Older Filebeat outputs keep '-' (no value) as the value; corvid stores null.",
    "zone_in_own_column": "Elastic's *.address keeps the IPv6 zone id ('::1%0'); corvid's s_ip / "
                          "c_ip hold the address and s_ip_zone / c_ip_zone the zone.",
    "markdown_address": "An address logged as a markdown link '[ip](http://ip)': Filebeat's grok "
                        "has a pattern that pulls the ip out; corvid keeps the raw value in `extra` "
                        "and lists the field in `invalid_fields` (it is not an address).",
    "xff_first_only": "Elastic keeps the first address of a comma-separated X-Forwarded-For in "
                      "network.forwarded_ip; corvid keeps the full list (in `extra`).",
    "user_domain_split": "Elastic splits DOMAIN\\user and user@domain into user.name and "
                         "user.domain; corvid keeps cs-username as logged.",
    "headerless_host_not_referrer": "Header-less file, 16-value line ending '<user agent> - "
                                    "<host name> <status> ...': Elastic's pattern reads the last "
                                    "two as (cookie, referrer), corvid's default layout as "
                                    "(referer, cs-host). Without #Fields neither is provable; a "
                                    "referrer is a URL, these are host names (one wrapped in a "
                                    "markdown link by the file's history).",
    "ftp_not_read": "IIS FTP service log: corvid recognizes it and skips it (sources: skipped, "
                    "with the reason); Elastic's access pipeline turns it into a request.",
    "filetime_100ns": "EVTX times have 100 ns resolution; corvid's timestamps are microseconds "
                      "(timestamp[us, UTC]), the 100 ns digit is dropped.",
    "truncated_chunk_read": "A file cut inside a chunk: corvid reads the records before the cut "
                            "(source partial, with the reason); plaso (libevtx) leaves the "
                            "whole partial chunk out.",
    "geoip": "Elastic's geoip enrichment (source.geo.*) has no counterpart in corvid.",
    "asn": "Elastic's ASN enrichment (source.as.*) has no counterpart in corvid.",
}
ENRICHMENT = {"source.geo": "geoip", "source.as": "asn"}

# Real corvid bugs found by this comparison and still open: reported on every run, not
# failing. Entries: dict(file=, line=, field=, theirs=, ours=, issue=); an entry matches
# only while corvid still gives that `ours`. None at present.
KNOWN_BUGS: list = []

# Corpus files of those folders for which no expected output is published.
NOT_COVERED = {
    "beats/access/access-azure.log": "no *-expected.json in filebeat/module/iis/access/test",
    "beats/access/access-full.log": "no *-expected.json in filebeat/module/iis/access/test",
    "beats/access/access.log": "no *-expected.json in filebeat/module/iis/access/test",
    "beats/error/error.log": "no *-expected.json in filebeat/module/iis/error/test",
    "beats/w3svc/test.log": "filebeat/module/iis/w3svc/test has no expected output",
}


def corpus_dir() -> Path:
    env = os.environ.get("CORVID_CORPUS")
    return Path(env) if env else ROOT.parent / "shared" / "corpus"


def read_table(out: Path, table: str, files: set) -> pl.DataFrame:
    df = pl.read_parquet(str(out / "dataset" / table / "*" / "*.parquet"), hive_partitioning=True)
    return df.filter(pl.col("source_file").is_in(sorted(files)))


def ts_ns(value: str) -> int:
    """Nanoseconds since the epoch of an ISO 8601 time with Z or an offset, any fraction."""
    v = value.replace("Z", "+00:00")
    main, _, tail = v.partition(".")
    frac = ""
    if tail:
        i = 0
        while i < len(tail) and tail[i].isdigit():
            i += 1
        frac, rest = tail[:i], tail[i:]
        main += rest
    dt = datetime.fromisoformat(main)
    assert dt.utcoffset() is not None, value
    secs = int(dt.timestamp())
    return secs * 1_000_000_000 + int((frac + "000000000")[:9])


def us_of(dt) -> int:
    delta = dt - datetime(1970, 1, 1, tzinfo=timezone.utc)
    return (delta.days * 86400 + delta.seconds) * 1_000_000 + delta.microseconds


def extra_of(row: dict) -> dict:
    return json.loads(row["extra"]) if row.get("extra") else {}


def forwarded_value(row: dict):
    """The X-Forwarded-For custom field: by its name, or the first unnamed trailing field of
    a header-less line (corvid cannot know its name: `x-unnamed-1`)."""
    extra = extra_of(row)
    for k in ("X-Forwarded-For", "x-forwarded-for", "cs(X-Forwarded-For)", "x-unnamed-1"):
        if k in extra:
            return extra[k]
    return None


def ours_value(kind: str, col: str, row: dict, fields: dict):
    if kind == "forwarded":
        return forwarded_value(row)
    if kind == "strings":
        data = json.loads(row["event_data"]) if row.get("event_data") else []
        return list(data.values()) if isinstance(data, dict) else data
    if kind == "message_id":
        q = row.get("qualifiers")
        return (q << 16) | row["event_id"] if q else row["event_id"]
    if kind == "ts":
        return row[col]
    return row.get(col)


def equal(kind: str, theirs, ours, fields: dict) -> bool:
    if ours is None:
        return False
    if kind == "ts":
        return ts_ns(theirs) == us_of(ours) * 1000
    if kind == "ns_ms":
        return ours * 1_000_000 == theirs
    if kind == "http_version":
        return ours == "HTTP/" + theirs
    if kind == "user" and "user.domain" in fields:
        return False  # corvid never splits: see user_domain_split
    if kind in ("int", "message_id"):
        return int(ours) == theirs
    return ours == theirs


def documented_key(kind, field, theirs, ours, row, fields, col, src):
    """The DOCUMENTED key that explains theirs vs ours, after checking they carry the same
    information; None if none does. `src` is the file's `sources` row."""
    if (kind == "ts" and ours is not None and "event_data" in row
            and ts_ns(theirs) // 1000 == us_of(ours)):
        return "filetime_100ns"
    if theirs == "-" and ours is None:
        return "dash_kept"
    if field == "user_agent.original" and ours is not None and unquote_plus(ours) == theirs:
        return "ua_plus_decoded"
    if field == "url.query" and ours is not None and unquote_plus(ours) == theirs:
        return "query_decoded"
    if kind == "address" and ours is not None:
        zone = row.get(col + "_zone")
        if zone and theirs == f"{ours}%{zone}":
            return "zone_in_own_column"
    if kind in ("ip", "address") and ours is None and col in RAW_NAME:
        raw = extra_of(row).get(RAW_NAME[col])
        invalid = (row.get("invalid_fields") or "").split(",")
        if RAW_NAME[col] in invalid and raw == f"[{theirs}](http://{theirs})":
            return "markdown_address"
    if kind == "forwarded" and ours and "," in ours and ours.split(",")[0].strip() == theirs:
        return "xff_first_only"
    if kind == "user" and "user.domain" in fields and ours is not None:
        d = fields["user.domain"]
        if ours in (f"{d}\\{theirs}", f"{theirs}@{d}"):
            return "user_domain_split"
    if (field == "http.request.referrer" and ours is None and row.get("cs_host") == theirs
            and src.get("directive_lines") == 0):
        return "headerless_host_not_referrer"
    return None


def xml_fields(xml: str):
    """plaso's xml_string as (name, theirs, column, kind) comparisons."""
    ns = "{http://schemas.microsoft.com/win/2004/08/events/event}"
    root = ET.fromstring(xml)
    sysel = root.find(ns + "System")
    out = []
    prov = sysel.find(ns + "Provider")
    for attr, col in (("Name", "provider"), ("Guid", "provider_guid"),
                      ("EventSourceName", "source_name")):
        if attr in prov.attrib:
            out.append((f"xml_string Provider@{attr}", prov.attrib[attr], col, "str"))
    eid = sysel.find(ns + "EventID")
    out.append(("xml_string EventID", int(eid.text), "event_id", "int"))
    if "Qualifiers" in eid.attrib:
        out.append(("xml_string EventID@Qualifiers", int(eid.attrib["Qualifiers"]), "qualifiers", "int"))
    for tag, col in (("Version", "version"), ("Level", "level"), ("Task", "task"),
                     ("Opcode", "opcode"), ("EventRecordID", "record_id")):
        out.append((f"xml_string {tag}", int(sysel.find(ns + tag).text), col, "int"))
    for tag, col in (("Keywords", "keywords"), ("Channel", "channel"), ("Computer", "computer")):
        out.append((f"xml_string {tag}", sysel.find(ns + tag).text, col, "str"))
    out.append(("xml_string TimeCreated@SystemTime",
                sysel.find(ns + "TimeCreated").attrib["SystemTime"], "time", "ts"))
    ex = sysel.find(ns + "Execution")
    out.append(("xml_string Execution@ProcessID", int(ex.attrib["ProcessID"]), "pid", "int"))
    out.append(("xml_string Execution@ThreadID", int(ex.attrib["ThreadID"]), "tid", "int"))
    data = root.find(ns + "EventData")
    for el in data:
        tag = el.tag.replace(ns, "")
        name = el.attrib.get("Name", tag)
        out.append((f"xml_string EventData/{name}", el.text, "event_data:" + name, "data"))
    return out


def data_lines(path: Path) -> list:
    """(line number, byte offset) of every line that is neither a directive nor empty."""
    out, off = [], 0
    for i, raw in enumerate(path.read_bytes().split(b"\n"), start=1):
        if raw.strip(b"\r") and not raw.startswith(b"#"):
            out.append((i, off))
        off += len(raw) + 1
    return out


class Report:
    def __init__(self):
        self.diffs = []  # (status, key, file, where, field, theirs, ours)
        self.fixture_problems = []

    def add(self, status, key, file, where, field, theirs, ours):
        self.diffs.append((status, key, file, where, field, theirs, ours))


def check_fixture(fx: dict, corpus: Path, rep: Report) -> int:
    """Checks the fixture's rows against the corpus file; returns the checks made."""
    path = corpus / fx["source_file"]
    if not path.is_file() or fx["table"] == "events":
        return 0
    lines = data_lines(path)
    by_line = dict(lines)
    n = 0
    for r in fx["rows"]:
        if "log.offset" in r:
            n += 1
            if by_line.get(r["source_line"]) != r["log.offset"]:
                rep.fixture_problems.append(
                    f"{fx['source_file']}: log.offset {r['log.offset']} is not line {r['source_line']}")
        if "event_data_index" in r:
            n += 1
            i = r["event_data_index"]
            if i >= len(lines) or lines[i][0] != r["source_line"]:
                rep.fixture_problems.append(
                    f"{fx['source_file']}: event_data {i} is not line {r['source_line']}")
    if fx["row_key"].startswith("document order"):
        n += 1
        if len(lines) != fx["expected_rows"] or [r["source_line"] for r in fx["rows"]] != [l for l, _ in lines]:
            rep.fixture_problems.append(
                f"{fx['source_file']}: {fx['expected_rows']} documents, {len(lines)} data lines")
    return n


def classify(rep, file, where, field, kind, theirs, ours, row, fields, col, src):
    """Records one comparison; returns its status."""
    if row is not None and equal(kind, theirs, ours, fields):
        return "equal"
    key = documented_key(kind, field, theirs, ours, row, fields, col, src) if row is not None else None
    status = "documented" if key else None
    if status is None:
        for b in KNOWN_BUGS:
            if (b["file"], b["line"], b["field"], b["ours"]) == (file, where, field, display(ours)):
                status, key = "known_bug", b["issue"]
                break
    status = status or "different"
    rep.add(status, key, file, where, field, theirs, display(ours))
    return status


def display(v):
    if isinstance(v, datetime):
        return v.isoformat()
    return v


def compare_file(fx: dict, tables: dict, sources: pl.DataFrame, perrors: pl.DataFrame, rep: Report):
    file, table = fx["source_file"], fx["table"]
    plaso = fx["expected"]["repository"] == "log2timeline/plaso"
    fmap = (PLASO_EVTX if table == "events" else PLASO_IIS) if plaso else \
        (ELASTIC_ERROR if table == "httperr" else ELASTIC_ACCESS)
    df = tables[table].filter(pl.col("source_file") == file)
    src = sources.filter(pl.col("source_file") == file).to_dicts()
    src = src[0] if src else {}
    key_col = "record_id" if table == "events" else "source_line"
    ours_rows = {r[key_col]: r for r in df.to_dicts()}
    counts = {"equal": 0, "documented": 0, "known_bug": 0, "different": 0}

    def tally(status):
        counts[status] += 1

    # File level: the number of rows (documents, event_data) and plaso's warnings.
    theirs_rows, ours_n = fx["expected_rows"], df.height
    if theirs_rows == ours_n:
        tally("equal")
    else:
        key = None
        if ours_n == 0 and src.get("status") == "skipped" and "FTP" in (src.get("reason") or ""):
            key = "ftp_not_read"
        elif (table == "events" and ours_n > theirs_rows and src.get("status") == "partial"
              and "truncated" in (src.get("reason") or "")
              and set(range(1, theirs_rows + 1)) <= set(ours_rows)):
            key = "truncated_chunk_read"
        status = "documented" if key else "different"
        rep.add(status, key, file, "-", "rows" if not plaso else "number_of_event_data",
                theirs_rows, ours_n)
        tally(status)
    for name, theirs in (fx.get("file_fields") or {}).items():
        if name == "extraction_warning":
            ours = perrors.filter(pl.col("source_file") == file).height
            tally("equal" if ours == theirs else classify(
                rep, file, "-", name, "int", theirs, ours, {}, {}, None, src))

    for r in fx["rows"]:
        where = r.get("record_id", r.get("source_line"))
        row = ours_rows.get(where)
        fields = r["fields"]
        comparisons = []
        for field, theirs in fields.items():
            if field in FOLDED:
                continue
            if field == "xml_string":
                comparisons += xml_fields(theirs)
                continue
            col, kind = fmap[field]
            comparisons.append((field, theirs, col, kind))
        for fam in r.get("enrichment", []):
            rep.add("documented", ENRICHMENT[fam], file, where, fam + ".*", "(enrichment)", None)
            tally("documented")
        for field, theirs, col, kind in comparisons:
            if row is None:
                key = "ftp_not_read" if (src.get("status") == "skipped"
                                        and "FTP" in (src.get("reason") or "")) else None
                status = "documented" if key else "different"
                rep.add(status, key, file, where, field, theirs, "(no row)")
                tally(status)
                continue
            if kind == "data":
                data = json.loads(row["event_data"]) if row.get("event_data") else {}
                ours = data.get(col.split(":", 1)[1]) if isinstance(data, dict) else None
                kind = "str"
            else:
                ours = ours_value(kind, col, row, fields)
            tally(classify(rep, file, where, field, kind, theirs, ours, row, fields, col, src))
    return counts


def main(out: Path, fixtures: Path) -> int:
    fxs = [json.loads(p.read_text(encoding="utf-8")) for p in sorted(fixtures.rglob("*.json"))]
    if not fxs:
        print(f"no fixtures under {fixtures}")
        return 1
    files = {fx["source_file"] for fx in fxs}
    tables = {t: read_table(out, t, files) for t in ("requests", "httperr", "events")}
    sources = read_table(out, "sources", files)
    perrors = read_table(out, "parse_errors", files)
    rep = Report()

    corpus = corpus_dir()
    if corpus.is_dir():
        n = sum(check_fixture(fx, corpus, rep) for fx in fxs)
        print(f"fixtures checked against the corpus files ({corpus}): {n} line positions, "
              f"{len(rep.fixture_problems)} problems")
    else:
        print(f"fixtures not checked against the corpus: {corpus} not found")
    for p in rep.fixture_problems:
        print(f"  FIXTURE {p}")

    total = {"equal": 0, "documented": 0, "known_bug": 0, "different": 0}
    for fx in fxs:
        c = compare_file(fx, tables, sources, perrors, rep)
        n = sum(c.values())
        e = fx["expected"]
        print(f"{fx['source_file']}: {n} fields compared, {c['equal']} equal, "
              f"{c['documented']} documented, {c['known_bug']} known bugs, "
              f"{c['different']} other  [{e['repository']} {e['path']} @ {e['commit'][:10]}]")
        for k in total:
            total[k] += c[k]
    for f, why in NOT_COVERED.items():
        print(f"{f}: not compared ({why})")

    def listing(status, title):
        rows = [d for d in rep.diffs if d[0] == status]
        if rows:
            print(f"{title} ({len(rows)}):")
            for _, key, file, where, field, theirs, ours in rows:
                print(f"  {file}:{where} {field}: theirs {theirs!r}, ours {ours!r}"
                      + (f"  [{key}]" if key else ""))
        return rows

    doc = listing("documented", "documented differences")
    if doc:
        print("documented choices:")
        for key, why in DOCUMENTED.items():
            k = sum(1 for d in doc if d[1] == key)
            if k:
                print(f"  {key} ({k}): {why}")
    bugs = listing("known_bug", "KNOWN BUGS (corvid bugs still open; reported, not failing)")
    seen = {(d[2], d[3], d[4]) for d in bugs}
    for b in KNOWN_BUGS:
        if (b["file"], b["line"], b["field"]) not in seen:
            print(f"  KNOWN_BUGS entry no longer seen (fixed? remove it): {b}")
    other = listing("different", "OTHER DIFFERENCES")

    n = sum(total.values())
    # A fixture that does not fit its corpus file counts as a difference too.
    n_other = len(other) + len(rep.fixture_problems)
    print(f"expected outputs: {n} fields compared, {total['documented']} documented differences, "
          f"{n_other} other differences")
    return 1 if n_other else 0


if __name__ == "__main__":
    if len(sys.argv) != 3:
        print(__doc__)
        sys.exit(2)
    sys.exit(main(Path(sys.argv[1]), Path(sys.argv[2])))
