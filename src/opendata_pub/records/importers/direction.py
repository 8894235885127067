"""Whether an indicator should go up or down, read from the 方向性 text a sheet prints.

Only a printed text decides: 常総's "…の割合の5%上昇を目指す。" is higher_is_better. A text that
says both or neither, or no text at all (清瀬, 江東), is ``unknown``. This module must not guess
from the indicator's name or figures.
"""

from __future__ import annotations

import re

from ..model import Direction

__all__ = ["infer_direction"]

_UP = re.compile(r"上昇|増加|向上|増や|高め|拡大|引き上げ|伸ば|↑|⇧|↗")
_DOWN = re.compile(r"減少|削減|低下|減ら|低減|抑制|縮減|引き下げ|下げ|↓|⇩|↘")


def infer_direction(text: str | None) -> Direction:
    """``higher_is_better`` / ``lower_is_better`` when the printed text says so unambiguously."""
    if not text:
        return Direction.UNKNOWN
    up, down = bool(_UP.search(text)), bool(_DOWN.search(text))
    if up and not down:
        return Direction.HIGHER_IS_BETTER
    if down and not up:
        return Direction.LOWER_IS_BETTER
    return Direction.UNKNOWN
