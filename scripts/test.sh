#!/usr/bin/env bash
# The whole test suite, from a clean clone: installs what the tests need, then runs pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m pip install --quiet --disable-pip-version-check -e ".[test]"
if command -v npm >/dev/null 2>&1; then
  # Real Mermaid for the differential tests (tests skip with a reason when node is absent).
  npm ci --prefix tests/mermaid_js --no-audit --no-fund --loglevel=error
fi
python3 -m pytest "$@"
