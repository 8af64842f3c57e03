#!/usr/bin/env bash
# Idempotent set-up on a fresh machine: a virtual environment at .venv with `newsqa` in .venv/bin.
#   scripts/setup.sh          the product
#   scripts/setup.sh --test   the product, the test tools, the Qdrant client and Debian's Chromium + CJK fonts
set -euo pipefail
cd "$(dirname "$0")/.."

with_tests=0
[ "${1:-}" = "--test" ] && with_tests=1

if [ "$with_tests" = 1 ] && { [ ! -x /usr/bin/chromium ] || ! fc-list 2>/dev/null | grep -qi "noto sans cjk"; }; then
    if [ "$(id -u)" = 0 ]; then
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null
    else
        echo "setup: browser tests need Debian's chromium and fonts-noto-cjk; run: sudo apt-get install chromium fonts-noto-cjk" >&2
    fi
fi

[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install -q --upgrade "pip>=24"
# The CPU build of torch first: otherwise a dependency pulls a multi-GB CUDA build.
.venv/bin/python -c "import torch" 2>/dev/null || .venv/bin/pip install -q torch==2.13.0
if [ "$with_tests" = 1 ]; then
    .venv/bin/pip install -q -e ".[test,qdrant]"
else
    .venv/bin/pip install -q -e .
fi
