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
