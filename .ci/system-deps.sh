#!/usr/bin/env bash
# .ci/system-deps.sh - install the Debian packages the CKAN integration-test
# harness (tests/ckan_harness) needs, and only those that are missing.
#
#   postgresql     server binaries (initdb, pg_ctl) for a throwaway cluster
#   redis-server   CKAN's job queue / cache backend
#   libpq-dev      pg_config + headers: CKAN pins psycopg2 (not -binary), so
#                  pip builds it from source
#   gcc, libc6-dev compiler + libc headers for that build (gcc only
#                  *recommends* libc6-dev, so a --no-install-recommends
#                  image can have gcc without <stdio.h>)
#   libmagic1      loaded at run time by python-magic (CKAN upload mimetypes)
#   chromium, chromium-driver, fonts-noto-cjk
#                  the static-catalog browser test (tests/integration/test_site_browser.py)
#   python3-dev python3-venv
#                  only when the Python that will build the CKAN venv
#                  ($PYTHON, default python3) lacks Python.h or venv/ensurepip
#                  and is Debian's /usr/bin/python3 (pyenv/official builds
#                  ship both)
#
# Idempotent: runs `apt-get update` and `apt-get install` only when something
# is missing; prints what it installs. Non-interactive; needs root only when
# it has something to install. Safe with CI=true and no stdin.
#
# Note: installing `postgresql` on a machine with a real init system makes
# Debian create and start its default cluster on port 5432. The harness never
# uses it (it runs its own cluster on a free port). Docker images ship a
# policy-rc.d that stops services from starting at install time.
set -euo pipefail

PYTHON=${PYTHON:-python3}
export DEBIAN_FRONTEND=noninteractive

installed() { # dpkg package name -> 0 if installed
  [ "$(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null || true)" = installed ]
}

missing=()

# PostgreSQL server binaries (any major version Debian ships)
pg_ok=0
for d in /usr/lib/postgresql/*/bin; do
  [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ] && [ -x "$d/postgres" ] && pg_ok=1
done
[ "$pg_ok" = 1 ] || missing+=(postgresql)

command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
for p in libpq-dev gcc libc6-dev libmagic1; do
  installed "$p" || missing+=("$p")
done

# The static-catalog browser test: headless Chromium, its WebDriver, and CJK fonts (without them the
# screenshot shows boxes for Japanese). npm comes with the machine's Node.js; axe-core is installed
# from the npm registry by tests/setup.sh.
for p in chromium chromium-driver fonts-noto-cjk; do
  installed "$p" || missing+=("$p")
done

# Python headers + venv, only for a Debian system Python that lacks them
if command -v "$PYTHON" >/dev/null 2>&1; then
  if ! "$PYTHON" - <<'EOF' >/dev/null 2>&1
import os, sysconfig, venv, ensurepip  # noqa: F401
assert os.path.exists(os.path.join(sysconfig.get_paths()["include"], "Python.h"))
EOF
  then
    py_real=$(readlink -f "$(command -v "$PYTHON")")
    case "$py_real" in
      /usr/bin/python3*) missing+=(python3-dev python3-venv) ;;
      *) echo "system-deps: WARNING: $PYTHON ($py_real) lacks Python.h or venv;" \
              "not a Debian python, so apt cannot fix it" >&2 ;;
    esac
  fi
else
  missing+=(python3 python3-dev python3-venv)
fi

if [ ${#missing[@]} -eq 0 ]; then
  echo "system-deps: all present"
  exit 0
fi

if [ "$(id -u)" != 0 ]; then
  echo "system-deps: missing ${missing[*]}; run as root to install them" >&2
  exit 1
fi

echo "system-deps: installing ${missing[*]}"
apt-get update -qq </dev/null
apt-get install -y -qq --no-install-recommends \
  -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold \
  "${missing[@]}" </dev/null
echo "system-deps: done"
