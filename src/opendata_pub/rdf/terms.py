"""The gate between text people wrote and RDF terms: which strings can be IRIs and literals.

Every IRI and literal made from a value of a descriptor, ``opendata.yaml``, ``inventory.yaml`` or a
CSV cell is made by ``iri`` and ``literal`` here, and the metadata layer of ``validate`` asks the same
two predicates (``iri_problem``, ``literal_problem``) — through the very graph building that ``rdf``
and ``publish`` use — so a package that validates always serialises, and one that does not is a
finding, never a traceback. The rules, and why:

- An IRI may hold none of ``<>" {}|\\^``` and no space: rdflib refuses to write such an IRI in Turtle
  (its own ``_is_valid_uri``), and Turtle's IRIREF forbids them. No control character (Unicode Cc)
  either: Turtle forbids U+0000–U+0020, RFC 3987 all controls.
- An IRI must be absolute (start with a scheme such as ``https:``): a relative one would be resolved
  against the document's base when read back, giving another graph.
- IRIs and literals alike may hold only what XML 1.0 can (``Char``: tab, LF, CR, U+0020–U+D7FF,
  U+E000–U+FFFD, U+10000–U+10FFFF): RDF/XML cannot carry anything else, not even as a character
  reference; a lone surrogate cannot even be encoded as UTF-8, so no output could be written.

Pure: no I/O.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from rdflib import Literal, URIRef

from ..errors import InputError

__all__ = ["UnsafeTerm", "iri", "iri_problem", "literal", "literal_problem"]

# rdflib.term._invalid_uri_chars, plus the space it also lists (kept here: a private name may go).
_IRI_FORBIDDEN = frozenset('<>" {}|\\^`')
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
_SHOWN = 120  # how much of a value an error message quotes


def _char(c: str) -> str:
    return f"U+{ord(c):04X}"


def _xml_char(c: str) -> bool:
    """True when XML 1.0 can hold ``c`` (its ``Char`` production)."""
    o = ord(c)
    return o in (0x9, 0xA, 0xD) or 0x20 <= o <= 0xD7FF or 0xE000 <= o <= 0xFFFD or 0x10000 <= o <= 0x10FFFF


def literal_problem(text: str) -> str | None:
    """Why ``text`` cannot be an RDF literal in every serialisation we write; None when it can."""
    for c in text:
        if not _xml_char(c):
            if 0xD800 <= ord(c) <= 0xDFFF:
                return f"対になっていないサロゲート {_char(c)} を含みます (UTF-8 で書けません)"
            return f"制御文字 {_char(c)} を含みます (RDF/XML などの XML 1.0 には書けません)"
    return None


def iri_problem(text: str) -> str | None:
    """Why ``text`` cannot be an IRI in our RDF (Turtle, JSON-LD, RDF/XML); None when it can."""
    if not text:
        return "空です"
    for c in text:
        if c in _IRI_FORBIDDEN:
            what = "空白" if c == " " else f"文字 {c!r}"
            return f"IRI に使えない{what}を含みます ({c!r} は %{ord(c):02X} と書いてください)"
        if unicodedata.category(c) == "Cc" or not _xml_char(c):
            return f"IRI に使えない制御文字 {_char(c)} を含みます"
    if not _SCHEME.match(text):
        return "スキーム (https: など) で始まる絶対 IRI ではありません"
    return None


class UnsafeTerm(InputError):
    """A value that cannot become an RDF term: ``value`` says which, ``problem`` why.

    Raised by ``iri`` and ``literal`` without a place; the graph builders re-raise it with the file
    and key (``located``), so ``rdf`` and ``publish --force`` stop with one located line.
    """

    def __init__(self, value: str, problem: str, *, path: str | None = None, where: str | None = None) -> None:
        shown = value if len(value) <= _SHOWN else value[:_SHOWN] + "…"
        self.description = f"RDF にできない値です: {problem}: {shown!r}"
        super().__init__(self.description, path=path, where=where,
                         hint="opendata-pub validate で場所を確かめて直してください")
        self.value = value
        self.problem = problem

    def located(self, path: str | None, where: str | None) -> UnsafeTerm:
        """The same problem, said at ``path``:``where`` (a descriptor key, a row and field …)."""
        return UnsafeTerm(self.value, self.problem, path=path, where=where)


def iri(value: Any) -> URIRef:
    """``value`` as an IRI, or ``UnsafeTerm`` when it cannot be one (``iri_problem``)."""
    text = str(value)
    problem = iri_problem(text)
    if problem is not None:
        raise UnsafeTerm(text, problem)
    return URIRef(text)


def literal(value: Any, *, lang: str | None = None, datatype: URIRef | None = None) -> Literal:
    """``value`` as a literal, or ``UnsafeTerm`` when it cannot be one (``literal_problem``)."""
    text = str(value)
    problem = literal_problem(text)
    if problem is not None:
        raise UnsafeTerm(text, problem)
    return Literal(text, lang=lang, datatype=datatype)
