"""Messages are safe to print: control characters become visible escapes (issue 9, item 11)."""

from __future__ import annotations

from opendata_pub.errors import ConfigError, PortalValidationError, printable


def test_printable_escapes_what_a_terminal_acts_on() -> None:
    hostile = "a\x1b]0;pwned\x07\x1b[2Jb\x9b31mc\u202ed\u2066e\x7ff\udcffg\r\n\th"
    line = printable(hostile)
    assert all(ch == "\t" or (ch >= " " and not 0x7F <= ord(ch) <= 0x9F) for ch in line)
    for ch in ("\x1b", "\x07", "\x9b", "\u202e", "\u2066", "\x7f", "\udcff", "\r", "\n"):
        assert ch not in line and repr(ch)[1:-1] in line
    assert printable("改行\nあり", newlines=True) == "改行\nあり"
    assert printable("清瀬市 (132217)\tOK") == "清瀬市 (132217)\tOK"


def test_every_error_is_built_printable_and_redacted() -> None:
    hostile = "denied \x1b]0;pwned\x07\x1b[2J\u202e"
    exc = PortalValidationError(f"msg {hostile}", fields={f"name{hostile}": [f"bad {hostile}"]})
    for text in [str(exc), *exc.fields, *exc.fields.values().__iter__().__next__(), str(exc.args)]:
        assert "\x1b" not in text and "\u202e" not in text, text
    assert "\\x1b]0;pwned" in str(exc)
    assert "\x1b" not in (ConfigError("x", path="a\x1bb", hint="\x1b[2J").hint or "")
