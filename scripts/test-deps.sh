#!/usr/bin/env bash
# What the test suite needs beyond cargo: the Python packages of the interoperability,
# notebook and browser tests, and a headless Chromium from Debian's packages for the
# findings.html test. Idempotent; .ci/run and README's test command run it.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m pip install --quiet --disable-pip-version-check -r tests/interop/requirements.txt -r tests/browser/requirements.txt
if ! command -v chromium-headless-shell >/dev/null && ! command -v chromium >/dev/null; then
    sudo=""
    [[ $(id -u) == 0 ]] || sudo=sudo
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium-headless-shell >/dev/null
fi
