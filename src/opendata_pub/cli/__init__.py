"""The command line: the only layer that prints, prompts or exits.

Exit codes, for every command: 0 no error (warnings allowed); 1 errors found or the operation
failed; 2 usage error or unreadable configuration; 3 the plan has changes (``plan --exit-code``).
An error is one line on stderr (plus a hint); ``--debug`` shows the traceback instead.

``app`` holds the group and the foundation commands; each other area registers its commands from a
module of its own below (imported here, so that ``opendata-pub --help`` lists them all).
"""

from __future__ import annotations

import os

# pyarrow reads a CSV a few blocks ahead; with its default allocator (mimalloc) the freed blocks stay
# resident, with jemalloc they are returned: 60 MB less at the peak of validating a 1 GB file. Set for
# the command's own process only (a library user keeps whatever allocator they chose), before anything
# imports pyarrow.
os.environ.setdefault("ARROW_DEFAULT_MEMORY_POOL", "jemalloc")

# Command modules of the other areas; importing one defines its click commands on ``app``.
from . import catalog, consume, evaluation, evaluation_template, publish, rdf  # noqa: F401
from .app import EXIT_CHANGES, EXIT_FAILED, EXIT_OK, EXIT_USAGE, app, main

__all__ = ["EXIT_CHANGES", "EXIT_FAILED", "EXIT_OK", "EXIT_USAGE", "app", "main"]
