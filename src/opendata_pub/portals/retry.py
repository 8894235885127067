"""When and how long to wait before trying a request again: bounded, with backoff and jitter.

Only transient failures are retried: a connection that could not be made or was dropped, a
timeout, 429 Too Many Requests and the gateway errors 502/503/504. ``Retry-After`` is honoured
(seconds or an HTTP date); a portal asking for a longer pause than we are willing to wait ends the
retries instead of being ignored. Jitter spreads the retries of parallel jobs apart, so that they
do not hit a recovering portal at the same instant.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime

__all__ = ["RETRY_STATUSES", "RetryPolicy", "parse_retry_after"]

RETRY_STATUSES = frozenset({429, 502, 503, 504})


def parse_retry_after(value: str | None, *, now: float | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta-seconds or HTTP date); None if absent/bad."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when is None:
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


@dataclass(frozen=True)
class RetryPolicy:
    """How many tries (``attempts`` counts the first one) and how long to wait between them."""

    attempts: int = 5
    base_delay: float = 0.5
    max_delay: float = 20.0
    max_retry_after: float = 120.0  # a longer Retry-After ends the retries (we would not honour it)
    sleep: Callable[[float], None] = field(default=time.sleep, repr=False, compare=False)
    rng: random.Random = field(default_factory=random.Random, repr=False, compare=False)

    def delay(self, attempt: int, retry_after: float | None = None) -> float:
        """The wait before try ``attempt + 1`` (``attempt`` is 1 after the first failure)."""
        if retry_after is not None:
            return retry_after
        cap = min(self.max_delay, self.base_delay * (2 ** (attempt - 1)))
        # "equal jitter": at least half the exponential step, so retries still back off
        return cap / 2 + self.rng.uniform(0, cap / 2)

    def gives_up(self, attempt: int, retry_after: float | None = None) -> bool:
        return attempt >= self.attempts or (retry_after is not None and retry_after > self.max_retry_after)
