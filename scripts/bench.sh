#!/usr/bin/env bash
# Benchmark corvid against what a user would run instead, in one run, and write
# BENCHMARKS.md. Installs what it needs itself (unzip, DuckDB, evtx_dump), builds corvid,
# generates the inputs with `corvid simulate`, then runs scripts/bench.py.
#
#   scripts/bench.sh                    # sizes 0.25 0.5 1 2 4 GB, 3 runs each
#   scripts/bench.sh --sizes 0.25 --runs 1 --out /tmp/b.md   # a quick look
#
# Options are passed to scripts/bench.py (see `python3 scripts/bench.py --help`).
# Work files go to $BENCH_WORK (default ~/.cache/corvid-bench): about 2.5x the largest
# size of free disk is needed.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$HOME/.cache/corvid-target}
WORK=${BENCH_WORK:-$HOME/.cache/corvid-bench}
mkdir -p "$WORK/tools"

need_apt=()
command -v unzip >/dev/null || need_apt+=(unzip)
if ((${#need_apt[@]})); then
    apt-get update -qq && apt-get install -y -qq "${need_apt[@]}"
fi
python3 -m pip install --quiet --disable-pip-version-check duckdb
# evtx_dump, the evtx crate's own command-line tool (the EVTX baseline).
if [[ ! -x "$WORK/tools/bin/evtx_dump" ]]; then
    cargo install --quiet --locked --root "$WORK/tools" evtx
fi

cargo build --release --quiet --bin corvid --example security_log
exec python3 scripts/bench.py \
    --corvid "$CARGO_TARGET_DIR/release/corvid" \
    --evtx-dump "$WORK/tools/bin/evtx_dump" \
    --security-log-writer "$CARGO_TARGET_DIR/release/examples/security_log" \
    --work "$WORK" "$@"
