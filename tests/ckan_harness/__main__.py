"""Command line for humans and bench scripts.

  python -m tests.ckan_harness start [--ckan-version {2.11.6,2.12.0}]
                                     [--max-resource-size MB] [--workers N]
                                     [--stock-licenses]
                                     [--dir DIR] [--env-file FILE]
      Starts a throwaway CKAN and leaves it running. Prints KEY=value lines
      (CKAN_URL, CKAN_API_TOKEN, CKAN_HARNESS_DIR, CKAN_ENV_FILE) on stdout
      and writes all CKAN_* values to an env file (DIR/ckan.env, mode 0600,
      and also FILE if given). Progress goes to stderr.
  python -m tests.ckan_harness stop --dir DIR
      Stops exactly the processes that `start` started and removes their data.

Run it from the repository root. The token is a sysadmin token of a local
throwaway CKAN; it is printed here and written to the env file, nowhere else.
"""

from __future__ import annotations

import argparse
import logging
import os
import shlex
import shutil
import sys
from pathlib import Path

from .harness import CKAN_VERSIONS, DEFAULT_VERSION, CkanHarness, HarnessError, stop_dir


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        prog="python -m tests.ckan_harness",
        description="Run a throwaway local CKAN (2.11 or 2.12) for tests and benches.",
    )
    sub = ap.add_subparsers(dest="cmd", required=True)
    st = sub.add_parser("start", help="start CKAN and leave it running")
    st.add_argument(
        "--ckan-version",
        choices=CKAN_VERSIONS,
        default=DEFAULT_VERSION,
        help=f"CKAN version (default {DEFAULT_VERSION}); each has its own cached venv",
    )
    st.add_argument(
        "--max-resource-size",
        type=int,
        default=10,
        metavar="MB",
        help="ckan.max_resource_size in MB (default 10)",
    )
    st.add_argument(
        "--workers", type=int, default=2, help="gunicorn workers (default 2)"
    )
    st.add_argument(
        "--stock-licenses",
        action="store_true",
        help="CKAN's own licence list (cc-by, other-at, ...) instead of licenses.json",
    )
    st.add_argument("--dir", type=Path, help="work directory (default: a new temp dir)")
    st.add_argument("--env-file", type=Path, help="also write the env file here")
    sp = sub.add_parser("stop", help="stop an instance started with `start`")
    sp.add_argument("--dir", type=Path, required=True, help="its work directory")
    a = ap.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO, stream=sys.stderr, format="[ckan-harness] %(message)s"
    )
    try:
        if a.cmd == "stop":
            for line in stop_dir(a.dir):
                print(line, file=sys.stderr)
            return 0
        h = CkanHarness(
            a.dir,
            max_resource_size_mb=a.max_resource_size,
            workers=a.workers,
            stop_at_exit=False,
            version=a.ckan_version,
            stock_licenses=a.stock_licenses,
        )
        inst = h.start()
        if a.env_file:
            a.env_file.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(a.env_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            os.close(fd)
            shutil.copyfile(inst.env_file, a.env_file)
        env = inst.env()
        for key in ("CKAN_URL", "CKAN_API_TOKEN", "CKAN_HARNESS_DIR"):
            print(f"{key}={shlex.quote(env[key])}")
        print(f"CKAN_ENV_FILE={shlex.quote(str(a.env_file or inst.env_file))}")
        print(
            f"stop with: python -m tests.ckan_harness stop --dir {shlex.quote(str(inst.workdir))}",
            file=sys.stderr,
        )
        return 0
    except HarnessError as e:
        print(str(e), file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
