#!/usr/bin/env bash
# Idempotent set-up on a fresh machine: a virtual environment at .venv with `newsqa` in .venv/bin.
#   scripts/setup.sh          the product
#   scripts/setup.sh --test   the product with OCR, the test tools, the Qdrant client and Debian's Chromium
#                             + CJK fonts (Chromium also prints the PDF fixtures of the format tests)
set -euo pipefail
cd "$(dirname "$0")/.."

with_tests=0
[ "${1:-}" = "--test" ] && with_tests=1

# Debian packages for the tests: Chromium and the CJK fonts (browser tests, printed PDF fixtures),
# and the GL and GLib libraries OpenCV loads (the OCR engine's image handling).
if [ "$with_tests" = 1 ] && { [ ! -x /usr/bin/chromium ] || ! fc-list 2>/dev/null | grep -qi "noto sans cjk" \
        || ! ldconfig -p | grep "libGL.so.1 " >/dev/null || ! ldconfig -p | grep "libglib-2.0.so.0 " >/dev/null; }; then
    if [ "$(id -u)" = 0 ]; then
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk libgl1 libglib2.0-0 >/dev/null
    else
        echo "setup: the tests need Debian's chromium, fonts-noto-cjk, libgl1 and libglib2.0-0; run: sudo apt-get install chromium fonts-noto-cjk libgl1 libglib2.0-0" >&2
    fi
fi

[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install -q --upgrade "pip>=24"
# The CPU build of torch first: otherwise a dependency pulls a multi-GB CUDA build.
.venv/bin/python -c "import torch" 2>/dev/null || .venv/bin/pip install -q torch==2.13.0
if [ "$with_tests" = 1 ]; then
    .venv/bin/pip install -q -e ".[test,ocr,qdrant]"
else
    .venv/bin/pip install -q -e .
fi
