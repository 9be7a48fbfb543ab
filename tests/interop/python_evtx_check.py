#!/usr/bin/env python3
"""Independent check of evtx_writer's output with python-evtx.

How to run (from anywhere):

    pip install python-evtx
    python3 tests/interop/python_evtx_check.py            # generates the files with cargo, then checks
    python3 tests/interop/python_evtx_check.py --dir DIR  # checks files already in DIR

`cargo test --release` runs it (tests/evtx_writer_python_fixtures.rs, tests/simulate.rs)
with --dir on the files it writes. Without --dir it runs
`cargo test --release --test evtx_writer_python_fixtures` with EVTX_FIXTURE_DIR set to a
temporary folder (honouring CARGO_TARGET_DIR), which writes kinds.evtx (one event of every kind
corvid simulates), multi_chunk.evtx (5000 events over many chunks), tricky.evtx (non-ASCII,
XML special characters, empty values) and expected.json. Every file is then parsed with
python-evtx (`Evtx.Evtx.Evtx`, `record.xml()`): the file header and every chunk must pass
python-evtx's own checksum verification, every record must render to well-formed XML, and
every System field and EventData item must equal the expected value. Exits non-zero on the
first mismatch; prints 'N passed, 0 failed' at the end.

python-evtx renders some values differently from Windows and the Rust evtx crate; the checks
normalise them: Binary is base64 (not hex), Keywords is zero-padded hex, FILETIMEs are
'YYYY-MM-DD HH:MM:SS.ffffff+00:00' (microseconds, through a float), GUIDs are lowercase.
"""

import argparse
import base64
import datetime
import json
import os
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

import Evtx.Evtx as evtx

NS = "{http://schemas.microsoft.com/win/2004/08/events/event}"
CRATE_DIR = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
EPOCH_DELTA = 116444736000000000  # FILETIME of 1970-01-01


def generate(dirpath):
    env = dict(os.environ, EVTX_FIXTURE_DIR=dirpath)
    subprocess.run(
        ["cargo", "test", "-q", "--release", "--test", "evtx_writer_python_fixtures"],
        cwd=CRATE_DIR,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )


def filetime_to_dt(ft):
    micros = (ft - EPOCH_DELTA) // 10
    return datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc) + datetime.timedelta(
        microseconds=micros
    )


def close_in_time(got, ft, what):
    if ft == 0:
        # python-evtx renders FILETIME 0 as datetime.min.
        assert got == datetime.datetime.min, f"{what}: {got}"
        return
    want = filetime_to_dt(ft)
    delta = abs((got - want).total_seconds())
    assert delta <= 2e-6, f"{what}: {got} != {want}"


def norm(text):
    return (text or "").replace("\r\n", "\n")


def check_record(record, exp, where):
    assert record.record_num() == exp["record_id"], f"{where}: record number"
    close_in_time(record.timestamp(), exp["time_created"], f"{where}: record timestamp")
    xml = record.xml()
    root = ET.fromstring(xml)
    assert root.tag == NS + "Event", where
    sys_ = root.find(NS + "System")

    def el(name):
        found = sys_.find(NS + name)
        assert found is not None, f"{where}: missing {name}"
        return found

    def eq(got, want, what):
        assert got == want, f"{where}: {what}: {got!r} != {want!r}"

    prov = el("Provider")
    eq(prov.get("Name"), exp["provider_name"], "Provider Name")
    guid = exp["provider_guid"]
    eq(prov.get("Guid"), "{" + guid.strip("{}").lower() + "}" if guid else None, "Provider Guid")
    eq(prov.get("EventSourceName"), exp["event_source_name"], "EventSourceName")
    eq(int(el("EventID").text), exp["event_id"], "EventID")
    q = el("EventID").get("Qualifiers")
    eq(int(q) if q is not None else None, exp["qualifiers"], "Qualifiers")
    for name, key in (("Version", "version"), ("Opcode", "opcode")):
        found = sys_.find(NS + name)
        eq(int(found.text) if found is not None else None, exp[key], name)
    eq(int(el("Level").text), exp["level"], "Level")
    eq(int(el("Task").text), exp["task"], "Task")
    eq(int(el("Keywords").text, 16), exp["keywords"], "Keywords")
    close_in_time(
        datetime.datetime.fromisoformat(el("TimeCreated").get("SystemTime")),
        exp["time_created"],
        f"{where}: TimeCreated",
    )
    eq(int(el("EventRecordID").text), exp["record_id"], "EventRecordID")
    eq(int(el("Execution").get("ProcessID")), exp["execution_pid"], "ProcessID")
    eq(int(el("Execution").get("ThreadID")), exp["execution_tid"], "ThreadID")
    eq(norm(el("Channel").text), exp["channel"], "Channel")
    eq(norm(el("Computer").text), exp["computer"], "Computer")
    eq(el("Security").get("UserID"), exp["user_sid"], "UserID")

    data = root.find(NS + "EventData")
    kind = exp["data"]["kind"]
    if kind == "none":
        assert data is None, f"{where}: unexpected EventData"
        return
    assert data is not None, f"{where}: missing EventData"
    items = [[d.get("Name"), norm(d.text)] for d in data.findall(NS + "Data")]
    eq(items, exp["data"]["items"], "Data items")
    binary = data.find(NS + "Binary")
    if exp["data"]["binary"] is None:
        assert binary is None, f"{where}: unexpected Binary"
    else:
        got = base64.b64decode(binary.text or "").hex().upper()
        eq(got, exp["data"]["binary"], "Binary")


def check_file(path, expected):
    with evtx.Evtx(path) as log:
        header = log.get_file_header()
        assert header.verify(), f"{path}: file header verification (magic/version/CRC)"
        chunks = list(log.chunks())
        assert len(chunks) == header.chunk_count() >= 1, path
        for i, chunk in enumerate(chunks):
            assert chunk.verify(), f"{path}: chunk {i} header/data CRC"
        assert header.next_record_number() == len(expected) + 1, path
        records = list(log.records())
        assert len(records) == len(expected), f"{path}: {len(records)} records"
        for record, exp in zip(records, expected):
            check_record(record, exp, f"{os.path.basename(path)} record {exp['record_id']}")
    # Random access on a fresh parser: the template and string tables of the chunk headers
    # must let python-evtx render a record without having parsed the ones before it.
    for exp in (expected[len(expected) // 2], expected[-1]):
        with evtx.Evtx(path) as log:
            record = log.get_record(exp["record_id"])
            assert record is not None, f"{path}: get_record({exp['record_id']})"
            check_record(record, exp, f"{os.path.basename(path)} get_record {exp['record_id']}")
    return len(records)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--dir", help="folder with *.evtx and expected.json (default: generate)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.dir or tmp
        if not args.dir:
            generate(folder)
        with open(os.path.join(folder, "expected.json"), encoding="utf-8") as f:
            expected = json.load(f)
        passed = failed = 0
        for name, records in sorted(expected.items()):
            try:
                n = check_file(os.path.join(folder, name), records)
                print(f"ok {name}: {n} records")
                passed += 1
            except Exception as exc:  # report and go on with the other files
                print(f"FAIL {name}: {type(exc).__name__}: {exc}")
                failed += 1
        print(f"{passed} passed, {failed} failed")
        return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
