"""``python -m opendata_pub``: the same CLI as the ``opendata-pub`` script."""

import sys

from .cli import main

sys.exit(main())
