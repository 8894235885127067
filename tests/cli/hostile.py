"""Text that drives a terminal, and the check that none of it reached the output."""

from __future__ import annotations

# what a terminal acts on: ESC, BEL, C1 CSI, DEL, bidi override/isolate, CR
TERMINAL_CONTROLS = ("\x1b", "\x07", "\x9b", "\x7f", "\u202e", "\u2066", "\r")
HOSTILE = "\x1b]0;pwned\x07\x1b[2J\u202eevil\x9b31m"  # set the window title, clear the screen, reverse text


def assert_terminal_safe(*texts: str) -> None:
    for text in texts:
        for ch in TERMINAL_CONTROLS:
            assert ch not in text, f"{ch!r} reached the output: {text!r}"
