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
