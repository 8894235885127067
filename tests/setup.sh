#!/usr/bin/env bash
# Set up everything the test suite needs on a fresh machine: the Debian packages of the real-CKAN
# harness, a virtualenv in .venv with the project and its test dependencies. Idempotent.
set -euo pipefail
cd "$(dirname "$0")/.."
bash .ci/system-deps.sh
PYTHON="${PYTHON:-python3}"
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
.venv/bin/python -m pip install --quiet --disable-pip-version-check -e ".[test]"
.venv/bin/python -c "import opendata_pub, frictionless, rdflib, pyshacl, pytest"
# axe-core for the accessibility check of the static catalog (git-ignored .cache/node)
if [ ! -f .cache/node/node_modules/axe-core/axe.min.js ]; then
  npm install --silent --no-audit --no-fund --prefix .cache/node axe-core@4
fi
# The CKAN venvs the real-CKAN harness uses (2.11.6 and 2.12.0, cached under .cache/), built here
# side by side rather than one after the other inside the timed suite. Skipped with
# OPENDATA_PUB_SKIP_CKAN=1; the harness would build a missing one on first use anyway.
if [ "${OPENDATA_PUB_SKIP_CKAN:-}" != "1" ]; then
  mkdir -p .cache
  pids=()
  for version in 2.11.6 2.12.0; do
    .venv/bin/python -c "import sys; from pathlib import Path; from tests.ckan_harness.harness import ensure_venv; \
ensure_venv(Path('.cache/ckan-venv-$version.log'), version='$version')" &
    pids+=("$!")
  done
  for pid in "${pids[@]}"; do wait "$pid"; done
fi
