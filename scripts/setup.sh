#!/usr/bin/env bash
# Set everything up in .venv/ (idempotent). `--dev` adds test tools and Debian's Chromium for browser tests.
set -euo pipefail
cd "$(dirname "$0")/.."

dev=0
[[ "${1:-}" == "--dev" ]] && dev=1
python=${PYTHON:-python3.11}
command -v "$python" >/dev/null 2>&1 || python=python3

if [[ ! -x .venv/bin/python ]]; then
  "$python" -m venv .venv
fi
pip=(.venv/bin/python -m pip install --disable-pip-version-check -q)
# torch first and pinned exactly: a range would pull a multi-GB CUDA build (see README, "Install notes").
.venv/bin/python -c "import torch" 2>/dev/null || "${pip[@]}" "torch==2.13.0"
if (( dev )); then
  "${pip[@]}" -e ".[dev]"
else
  "${pip[@]}" -e ".[ui]"
fi

if (( dev )) && [[ ! -x /usr/bin/chromium ]]; then
  if [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-core >/dev/null
  else
    echo "note: browser tests need Debian's chromium at /usr/bin/chromium (apt-get install chromium)" >&2
  fi
fi
