#!/usr/bin/env bash
# Fuzz corvid's readers with cargo fuzz (libFuzzer), each target for a set time.
#
#   scripts/fuzz.sh            # every target, 600 s each
#   scripts/fuzz.sh 60 w3c     # one target, 60 s
#   FUZZ_MAX_LEN=65536 scripts/fuzz.sh 600 bundle   # smaller inputs, more executions
#
# Targets (fuzz/fuzz_targets/): w3c (HTTPERR and access logs), evtx (.evtx files and
# event XML into lifecycle), bundle (zip / nested zip, analyzed end to end), zip (the
# bundle walker alone: listing, salvage of damaged zips, reading every member through
# the limits; hundreds of times faster per input than bundle), appconfig
# (applicationHost.config). zip shares bundle's seeds and regression inputs. Seeds come from ../shared/corpus, samples/ and
# tests/fixtures. A crash is saved under fuzz/artifacts/<target>/; turn it into a
# regression input under tests/fuzz_inputs/<target>/ (replayed by tests/fuzz_regressions.rs;
# a zip crash goes under tests/fuzz_inputs/bundle/, which both zip and bundle replay).
#
# The toolchain here is stable; libFuzzer's instrumentation needs nightly flags, which
# RUSTC_BOOTSTRAP=1 allows. The build has its own target folder (other RUSTFLAGS).
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_EACH=${1:-600}
shift || true
TARGETS=("$@")
((${#TARGETS[@]})) || TARGETS=(w3c evtx bundle zip appconfig)
CORPUS_SRC=${CORVID_CORPUS:-../shared/corpus}
export RUSTC_BOOTSTRAP=1
export CARGO_TARGET_DIR=${CORVID_FUZZ_TARGET_DIR:-$HOME/.cache/corvid-fuzz-target}

command -v cargo-fuzz >/dev/null || cargo install --locked cargo-fuzz

seed() {
    local t=$1 dir=fuzz/corpus/$1 inputs=$1
    [[ $t == zip ]] && inputs=bundle
    mkdir -p "$dir"
    cp -n tests/fuzz_inputs/"$inputs"/* "$dir/"
    case $t in
    w3c) find "$CORPUS_SRC" -type f \( -iname '*.log' -o -iname '*.txt' \) -size -256k \
        -exec cp -n {} "$dir/" \; ;;
    evtx) find "$CORPUS_SRC" -type f -iname '*.evtx*' -size -1100k -exec cp -n {} "$dir/" \; ;;
    bundle | zip) cp -n samples/*.zip "$dir/" 2>/dev/null || true
        python3 - "$dir" "$CORPUS_SRC" <<'EOF'
import pathlib, sys, zipfile, io
out, src = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
logs = sorted(p for p in src.rglob("*.log") if p.stat().st_size < 64_000)[:6]
for i, p in enumerate(logs):
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(f"LogFiles/W3SVC{i + 1}/{p.name}", p.read_bytes())
    with zipfile.ZipFile(out / f"seed{i}.zip", "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(f"LogFiles/HTTPERR/{p.name}", p.read_bytes())
        z.writestr("nested/inner.zip", inner.getvalue())
EOF
        ;;
    appconfig) cp -n tests/fixtures/*.config "$dir/" ;;
    esac
}

summary=()
for t in "${TARGETS[@]}"; do
    seed "$t"
    log=fuzz/$t.log
    echo "fuzz: $t for ${SECONDS_EACH}s (log $log)" >&2
    set +e
    cargo fuzz run --release "$t" "fuzz/corpus/$t" -- \
        -max_total_time="$SECONDS_EACH" -rss_limit_mb=2048 -max_len="${FUZZ_MAX_LEN:-1048576}" \
        -timeout=30 -print_final_stats=1 >"$log" 2>&1
    rc=$?
    set -e
    execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo "?")
    # crash-, oom-, timeout- and leak- files are failures; slow-unit- files are inputs
    # slower than libFuzzer's -report_slow_units (10 s), kept to look at, not failures.
    crashes=$(find "fuzz/artifacts/$t" -type f ! -name 'slow-unit-*' 2>/dev/null | wc -l)
    slow=$(find "fuzz/artifacts/$t" -type f -name 'slow-unit-*' 2>/dev/null | wc -l)
    summary+=("$t: ${SECONDS_EACH}s, $execs executions, exit $rc, $crashes failing input(s), $slow slow unit(s)")
done
printf '%s\n' "${summary[@]}"
