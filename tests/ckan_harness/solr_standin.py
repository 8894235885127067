#!/usr/bin/env python3
"""A small in-memory stand-in for the part of the Solr HTTP API that CKAN 2.12
uses (through pysolr), so an unmodified CKAN can index and search without a
real Solr. Standard library only; run it with any Python >= 3.9.

Endpoints (core name is ignored, so /solr/<anything>/... works):

  GET       /solr/ckan/schema[?wt=schema.xml]     <schema name="ckan-2.10">
  GET       /solr/ckan/admin/file?file=schema.xml  same XML
  GET       /solr/ckan/admin/ping                  {"status": "OK"}
  GET|POST  /solr/ckan/select                      search (POST = form body)
  POST      /solr/ckan/update                      JSON doc list (pysolr add);
                                                   XML <delete> (<id>, <query>),
                                                   <commit/>, <optimize/>

Query support (an approximation of Lucene, good enough for CKAN's own
queries). Syntax it cannot read is skipped rather than failing; only what
Solr also rejects (unterminated/bad range, bad sort, non-integer rows)
gives a 400, which CKAN reports as a search error (409/400), never a 500:

  * lucene syntax: field:value, field:"phrase", field:(a OR b), *:*, field:*,
    + - ! NOT AND OR && || and parentheses (Lucene's q.op / addClause rules),
    * and ? wildcards, [a TO b] / {a TO b} ranges (ISO dates incl. NOW-1DAY,
    NOW/DAY, numbers, strings), backslash escapes; ^boost and ~slop ignored
  * dismax/edismax (CKAN's default for a q without ':'): bare terms are
    searched over the qf fields, mm (e.g. "2<-1 5<80%") is honoured
  * string fields match exactly; text fields (title, notes, text, res_name,
    extras_*, ...) match lower-cased, NFKC/accent-folded word tokens, and a
    non-ASCII (e.g. Japanese) term also matches as a substring of a token
  * fq (repeatable), rows, start, sort (multi-key, missing values last;
    a bad direction gives 400 like Solr), fl (incl. * and score),
    facet.field with facet.limit / facet.mincount / f.<field>.facet.*
  * score = number of matched positive leaf clauses (no real relevance)

Not supported: stemming, synonyms, relevance ranking, function queries,
facet.query / facet.range / pivots, highlighting, spatial, cursorMark,
grouping, atomic updates, schema validation of incoming documents,
persistence (the index lives in memory; `ckan search-index rebuild` refills it).

Usage: solr_standin.py --port N [--host 127.0.0.1] [--pidfile F] [--quiet]
Each request is logged to stderr (method, path, query string shortened).
"""

from __future__ import annotations

import argparse
import calendar
import datetime as dt
import fnmatch
import json
import os
import re
import signal
import sys
import threading
import unicodedata
import xml.etree.ElementTree as ET
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

SCHEMA_NAME = "ckan-2.10"  # accepted by CKAN 2.10, 2.11 and 2.12

# --------------------------------------------------------------- fields ---
# Follows ckan/config/solr/schema.xml: which fields are tokenised text,
# which are not returned ("stored=false"), and the copyField targets.
TEXT_FIELDS = {
    "title",
    "notes",
    "text",
    "urls",
    "author",
    "author_email",
    "maintainer",
    "maintainer_email",
    "res_name",
    "res_description",
    "title_ngram",
    "name_ngram",
    "depends_on",
    "dependency_of",
    "derives_from",
    "has_derivation",
    "links_to",
    "linked_from",
    "child_of",
    "parent_of",
}
TEXT_PREFIXES = ("extras_", "res_extras_")
NOT_STORED = {"text", "urls", "permission_labels", "title_string"}
COPY_TO_TEXT = (
    "name",
    "title",
    "license",
    "notes",
    "tags",
    "groups",
    "organization",
    "res_name",
    "res_description",
    "maintainer",
    "author",
)
COPY_TO_URLS = ("url", "ckan_url", "download_url", "res_url")


def is_text(field: str) -> bool:
    return field in TEXT_FIELDS or field.startswith(TEXT_PREFIXES)


def values_of(v) -> list[str]:
    if v is None:
        return []
    if not isinstance(v, (list, tuple)):
        v = [v]
    out = []
    for x in v:
        if x is None:
            continue
        out.append(("true" if x else "false") if isinstance(x, bool) else str(x))
    return out


_WORD = re.compile(r"\w+")


def fold(s: str) -> str:
    s = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", s))
    return "".join(c for c in s if not unicodedata.combining(c)).lower()


def tokenize(s: str) -> list[str]:
    return _WORD.findall(fold(s))


class Doc:
    def __init__(self, fields: dict):
        self.fields = dict(fields)
        idx = dict(fields)
        text = values_of(idx.get("text"))
        for k in COPY_TO_TEXT:
            text += values_of(idx.get(k))
        for k, v in fields.items():
            if k.startswith(("extras_", "res_extras_", "vocab_")):
                text += values_of(v)
        idx["text"] = text
        idx["urls"] = [u for k in COPY_TO_URLS for u in values_of(idx.get(k))]
        self.index = idx
        self._tokens: dict[str, list[list[str]]] = {}

    def vals(self, field: str) -> list[str]:
        return values_of(self.index.get(field))

    def toks(self, field: str) -> list[list[str]]:
        t = self._tokens.get(field)
        if t is None:
            t = self._tokens[field] = [tokenize(v) for v in self.vals(field)]
        return t

    def stored(self, fl: list[str], score: float) -> dict:
        every = not fl or "*" in fl
        out = {
            k: v
            for k, v in self.fields.items()
            if k not in NOT_STORED
            and (
                every
                or k in fl
                or any(fnmatch.fnmatchcase(k, p) for p in fl if "*" in p)
            )
        }
        if "score" in fl:
            out["score"] = score
        return out


# ----------------------------------------------------------- query model ---
class QueryError(ValueError):
    """A query Solr itself would reject (reported as HTTP 400)."""


MUST, SHOULD, NOT = "+", "", "-"


class Node:
    def match(self, d: Doc) -> int:
        """0 if no match, else a small positive 'score'."""
        raise NotImplementedError


class All(Node):
    def match(self, d):
        return 1


class Bool(Node):
    def __init__(self, clauses: list[tuple[str, Node]], min_should: int = 0):
        self.clauses, self.min_should = clauses, min_should

    def match(self, d):
        score, should_hits, has_positive = 0, 0, False
        shoulds = [n for o, n in self.clauses if o == SHOULD]
        for occur, node in self.clauses:
            if occur == NOT:
                if node.match(d):
                    return 0
                continue
            has_positive = True
            s = node.match(d)
            if occur == MUST and not s:
                return 0
            if occur == SHOULD and s:
                should_hits += 1
            score += s
        if not has_positive:  # pure negative: everything minus the exclusions
            return 1
        musts = any(o == MUST for o, _ in self.clauses)
        need = self.min_should if self.min_should else (0 if musts else 1)
        if shoulds and should_hits < min(need, len(shoulds)):
            return 0
        return max(score, 1)


class Leaf(Node):
    def __init__(self, fields: list[str]):
        self.fields = fields

    def match(self, d):
        return 1 if any(self.match_field(d, f) for f in self.fields) else 0

    def match_field(self, d: Doc, field: str) -> bool:
        raise NotImplementedError


def _has_cjk(s: str) -> bool:
    return any(ord(c) > 0x2E7F for c in s)


class Term(Leaf):
    def __init__(self, fields, text: str, wildcard: bool):
        super().__init__(fields)
        self.text, self.wildcard = text, wildcard

    def match_field(self, d, field):
        if field == "*" and self.text == "*":
            return True
        if self.wildcard and self.text == "*":
            return bool(d.vals(field))
        if not is_text(field):
            vals = d.vals(field)
            if self.wildcard:
                return any(fnmatch.fnmatchcase(v, self.text) for v in vals)
            return self.text in vals
        if self.wildcard:
            pat = fold(self.text)
            return any(fnmatch.fnmatchcase(t, pat) for ts in d.toks(field) for t in ts)
        qtoks = tokenize(self.text)
        if not qtoks:
            return False
        return any(all(_tok_in(q, ts) for q in qtoks) for ts in d.toks(field))


def _tok_in(q: str, toks: list[str]) -> bool:
    if q in toks:
        return True
    return _has_cjk(q) and any(q in t for t in toks)


class Phrase(Leaf):
    def __init__(self, fields, text: str):
        super().__init__(fields)
        self.text = text

    def match_field(self, d, field):
        if not is_text(field):
            return self.text in d.vals(field)
        q = tokenize(self.text)
        if not q:
            return False
        if len(q) == 1:
            return any(_tok_in(q[0], ts) for ts in d.toks(field))
        n = len(q)
        return any(
            ts[i : i + n] == q for ts in d.toks(field) for i in range(len(ts) - n + 1)
        )


class Range(Leaf):
    def __init__(self, fields, lo: str, hi: str, inc_lo: bool, inc_hi: bool):
        super().__init__(fields)
        self.lo, self.hi, self.inc_lo, self.inc_hi = lo, hi, inc_lo, inc_hi

    def match_field(self, d, field):
        return any(self._in(v) for v in d.vals(field))

    def _in(self, v: str) -> bool:
        conv = _comparable_pair(v, self.lo, self.hi)
        if conv is None:
            return False
        x, lo, hi = conv
        if lo is not None and (x < lo or (x == lo and not self.inc_lo)):
            return False
        return not (hi is not None and (x > hi or x == hi and not self.inc_hi))


_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}(T[\d:.]+Z?)?$")
_UNITS = ("YEAR", "MONTH", "DAY", "HOUR", "MINUTE", "SECOND")  # (+S; DATE = DAY)


def parse_date(s: str) -> dt.datetime | None:
    """ISO date/time or Solr date math (NOW, NOW-1DAY, NOW/DAY, 2024-01-01T00:00:00Z+1MONTH)."""
    m = re.match(
        r"^(NOW|\d{4}-\d{2}-\d{2}(?:T[\d:.]+)?)Z?((?:[+\-/]\d*[A-Z]+)*)$", s.strip()
    )
    if not m:
        return None
    try:
        t = (
            dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
            if m.group(1) == "NOW"
            else dt.datetime.fromisoformat(m.group(1)[:26])
        )
        for op, num, unit in re.findall(r"([+\-/])(\d*)([A-Z]+)", m.group(2)):
            unit = {"DATE": "DAY"}.get(unit, unit).rstrip("S")
            i = _UNITS.index(unit)
            if op == "/":  # round down to the unit
                zero: dict[str, Any] = dict(
                    zip(("month", "day", "hour", "minute", "second"), (1, 1, 0, 0, 0))
                )
                t = t.replace(microsecond=0, **dict(list(zero.items())[i:]))
                continue
            n = int(num or 1) * (1 if op == "+" else -1)
            if i <= 1:  # calendar arithmetic, day clamped to the month's end
                y, mo = divmod(
                    t.year * 12 + t.month - 1 + (n * 12 if i == 0 else n), 12
                )
                t = t.replace(
                    year=y,
                    month=mo + 1,
                    day=min(t.day, calendar.monthrange(y, mo + 1)[1]),
                )
            else:
                t += dt.timedelta(**{unit.lower() + "s": n})
        return t
    except ValueError:
        return None


def _comparable_pair(v: str, lo: str, hi: str):
    ends = [None if e == "*" else e for e in (lo, hi)]
    given = [e for e in ends if e is not None]
    if _DATE_RE.match(v) and all(parse_date(e) for e in given):
        x = parse_date(v)
        return (x, *[parse_date(e) if e else None for e in ends]) if x else None
    try:
        return (float(v), *[float(e) if e else None for e in ends])
    except ValueError:
        pass
    if any(parse_date(e) for e in given):  # date range on a non-date value
        return None
    return (v, *ends)


# ---------------------------------------------------------------- parser ---
_SPECIAL = set(' \t\r\n()"[]{}:')


class Parser:
    """Recursive-descent parser for the Lucene syntax CKAN produces."""

    def __init__(self, q: str, default_fields: list[str], op_and: bool):
        self.s, self.i = q, 0
        self.default_fields, self.op_and = default_fields, op_and

    def parse(self) -> Node:
        return self._query(self.default_fields, top=True)

    # -- helpers
    def _ws(self):
        while self.i < len(self.s) and self.s[self.i].isspace():
            self.i += 1

    def _peek(self, n=1) -> str:
        return self.s[self.i : self.i + n]

    def _word(self, stop_at_colon: bool) -> tuple[str, bool]:
        """Read an (escaped) bare word; returns (text, has_wildcard)."""
        out, wild = [], False
        while self.i < len(self.s):
            c = self.s[self.i]
            if c == "\\" and self.i + 1 < len(self.s):
                out.append(self.s[self.i + 1])
                self.i += 2
                continue
            if c in _SPECIAL and not (c == ":" and not stop_at_colon):
                break
            if c in "*?":
                wild = True
            out.append(c)
            self.i += 1
        return "".join(out), wild

    def _suffix(self):
        # ^boost, ~slop/fuzzy: accepted and ignored
        while self._peek() in ("^", "~"):
            self.i += 1
            while self.i < len(self.s) and (
                self.s[self.i].isdigit() or self.s[self.i] == "."
            ):
                self.i += 1

    # -- grammar
    def _query(self, fields: list[str], top=False) -> Node:
        clauses: list[list] = []  # [occur, node]
        conj = None
        while True:
            self._ws()
            if self.i >= len(self.s):
                break
            if self._peek() == ")":
                if top:  # unbalanced: skip it
                    self.i += 1
                    continue
                break
            if self._peek(2) in ("&&", "||"):
                conj = "AND" if self._peek(2) == "&&" else "OR"
                self.i += 2
                continue
            m = re.match(r"(AND|OR)(?=[\s(])", self.s[self.i :])
            if m and clauses:
                conj = m.group(1)
                self.i += len(conj)
                continue
            mod = None
            if self._peek() in ("+", "-", "!"):
                mod = "NOT" if self._peek() in "-!" else "REQ"
                self.i += 1
            elif re.match(r"NOT(?=[\s(])", self.s[self.i :]):
                mod = "NOT"
                self.i += 3
                self._ws()
            node = self._clause(fields)
            if node is None:
                continue
            # Lucene QueryParserBase.addClause
            if clauses and conj == "AND" and clauses[-1][0] != NOT:
                clauses[-1][0] = MUST
            if clauses and self.op_and and conj == "OR" and clauses[-1][0] != NOT:
                clauses[-1][0] = SHOULD
            if mod == "NOT":
                occur = NOT
            elif self.op_and:
                occur = MUST if conj != "OR" else SHOULD
                if mod == "REQ":
                    occur = MUST
            else:
                occur = MUST if (mod == "REQ" or conj == "AND") else SHOULD
            clauses.append([occur, node])
            conj = None
        if len(clauses) == 1 and clauses[0][0] != NOT:
            return clauses[0][1]
        if not clauses:
            return All() if top else Bool([])
        return Bool([(o, n) for o, n in clauses])

    def _clause(self, fields: list[str]) -> Node | None:
        if self._peek() in ("(", '"', "[", "{"):
            return self._value(fields)
        start = self.i
        word, wild = self._word(stop_at_colon=True)
        if self._peek() == ":" and word:
            self.i += 1
            return self._value([word])
        if not word:  # a character we cannot use: skip it
            self.i = max(self.i, start + 1)
            return None
        self._suffix()
        if word == "*" and fields == self.default_fields:
            return All()
        return Term(fields, word, wild)

    def _value(self, fields: list[str]) -> Node:
        c = self._peek()
        if c == "(":
            self.i += 1
            node = self._query(fields)
            if self._peek() == ")":
                self.i += 1
            self._suffix()
            return node
        if c == '"':
            self.i += 1
            out = []
            while self.i < len(self.s) and self.s[self.i] != '"':
                if self.s[self.i] == "\\" and self.i + 1 < len(self.s):
                    self.i += 1
                out.append(self.s[self.i])
                self.i += 1
            self.i += 1
            self._suffix()
            return Phrase(fields, "".join(out))
        if c in ("[", "{"):
            ends = [
                e
                for e in (self.s.find("]", self.i), self.s.find("}", self.i))
                if e >= 0
            ]
            if not ends:
                raise QueryError("unterminated range in query")
            end = min(ends)
            body = self.s[self.i + 1 : end]
            closer = self.s[end]
            self.i = end + 1
            m = re.match(r"^\s*(\S+)\s+TO\s+(\S+)\s*$", body)
            if not m:
                raise QueryError(f"bad range {body!r}")
            lo, hi = (x.strip('"') for x in m.groups())
            return Range(fields, lo, hi, c == "[", closer == "]")
        word, wild = self._word(stop_at_colon=False)
        self._suffix()
        if fields == ["*"] and word == "*":
            return All()
        return Term(fields, word, wild)


def parse_mm(spec: str | None, n: int) -> int:
    """Solr's minimum-should-match for n optional clauses."""
    if n == 0:
        return 0
    if not spec:
        return n
    need = n
    for part in spec.split():
        if "<" in part:
            k, v = part.split("<", 1)
            if n > int(k):
                need = _mm_value(v, n)
        else:
            need = _mm_value(part, n)
    return max(0, min(n, need))


def _mm_value(v: str, n: int) -> int:
    if v.endswith("%"):
        p = int(v[:-1])
        return n * p // 100 if p >= 0 else n - (n * -p // 100)
    x = int(v)
    return x if x >= 0 else n + x


def build_query(params: dict) -> Node:
    q = (first(params, "q") or "").strip() or "*:*"
    deftype = first(params, "defType") or "lucene"
    op_and = (first(params, "q.op") or "OR").upper() == "AND"
    if deftype in ("dismax", "edismax"):
        qf = [re.sub(r"\^.*$", "", f) for f in (first(params, "qf") or "text").split()]
        node = Parser(q, qf, op_and=False).parse()
        if isinstance(node, Bool):
            n = sum(1 for o, _ in node.clauses if o == SHOULD)
            try:
                node.min_should = parse_mm(first(params, "mm"), n)
            except ValueError:
                node.min_should = n
        return node
    df = [first(params, "df") or "text"]
    return Parser(q, df, op_and=op_and).parse()


def first(params: dict, key: str) -> str | None:
    v = params.get(key)
    return v[0] if v else None


# ----------------------------------------------------------------- index ---
class Index:
    def __init__(self):
        self.docs: dict[str, Doc] = {}
        self.lock = threading.Lock()

    def add(self, fields: dict):
        key = str(fields.get("index_id") or fields.get("id") or "")
        if not key:
            raise QueryError("Document is missing mandatory uniqueKey field: index_id")
        doc = Doc(fields)
        with self.lock:
            self.docs.pop(key, None)  # a re-added doc moves to the end, as in Lucene
            self.docs[key] = doc

    def delete_id(self, key: str):
        with self.lock:
            self.docs.pop(key, None)

    def delete_query(self, q: str):
        node = Parser(q, ["text"], op_and=False).parse()
        if isinstance(node, All) and q.strip() not in ("*:*", "*"):
            raise QueryError(f"refusing to treat delete query {q!r} as *:*")
        with self.lock:
            for k, d in list(self.docs.items()):
                if node.match(d):
                    del self.docs[k]

    def select(self, params: dict) -> dict:
        q = build_query(params)
        op_and = (first(params, "q.op") or "OR").upper() == "AND"
        fqs = [
            Parser(f, [first(params, "df") or "text"], op_and=op_and).parse()
            for f in params.get("fq", [])
            if f.strip()
        ]
        with self.lock:
            docs = list(self.docs.values())
        hits = []
        for d in docs:
            s = q.match(d)
            if s and all(f.match(d) for f in fqs):
                hits.append((d, float(s)))
        hits = sort_hits(hits, first(params, "sort"))
        try:
            start = int(first(params, "start") or 0)
            rows = int(first(params, "rows") or 10)
        except ValueError as e:
            raise QueryError(str(e)) from None
        fl = [f for f in re.split(r"[\s,]+", first(params, "fl") or "*") if f]
        page = hits[start : start + rows] if rows >= 0 else hits[start:]
        out = {
            "responseHeader": {"status": 0, "QTime": 0},
            "response": {
                "numFound": len(hits),
                "start": start,
                "docs": [d.stored(fl, s) for d, s in page],
            },
        }
        if (first(params, "facet") or "false").lower() == "true":
            out["facet_counts"] = {
                "facet_queries": {},
                "facet_ranges": {},
                "facet_intervals": {},
                "facet_heatmaps": {},
                "facet_fields": facets(params, [d for d, _ in hits], docs),
            }
        return out


def sort_hits(hits: list, spec: str | None) -> list:
    if not spec or not spec.strip():
        return sorted(hits, key=lambda h: -h[1])
    keys = []
    for part in spec.split(","):
        bits = part.split()
        if len(bits) != 2 or bits[1].lower() not in ("asc", "desc"):
            raise QueryError(
                f"Can't determine a Sort Order (asc or desc) in sort spec '{part.strip()}'"
            )
        keys.append((bits[0], bits[1].lower() == "desc"))
    for field, desc in reversed(keys):  # stable multi-key sort
        if field == "score":
            hits.sort(key=lambda h: h[1], reverse=desc)
            continue
        present = [h for h in hits if h[0].vals(field)]
        missing = [h for h in hits if not h[0].vals(field)]

        def k(h, field=field):
            raw = h[0].index.get(field)
            raw = raw[0] if isinstance(raw, list) and raw else raw
            if isinstance(raw, (int, float)) and not isinstance(raw, bool):
                return (0, float(raw), "")
            v = values_of(raw)[0] if values_of(raw) else ""
            return (1, 0.0, v.lower() if is_text(field) else v)

        present.sort(key=k, reverse=desc)
        hits = present + missing  # missing values last either way
    return hits


def facets(params: dict, hits: list[Doc], alldocs: list[Doc]) -> dict:
    out = {}
    for raw in params.get("facet.field", []):
        field = re.sub(r"^\{![^}]*\}", "", raw).strip()
        if not field:
            continue

        def fparam(name, default, field=field):
            v = first(params, f"f.{field}.facet.{name}") or first(
                params, "facet." + name
            )
            try:
                return int(v) if v is not None else default
            except ValueError:
                return default

        limit, mincount = fparam("limit", 100), fparam("mincount", 0)
        counts: dict[str, int] = {}
        for d in hits:
            for v in set(d.vals(field)):
                counts[v] = counts.get(v, 0) + 1
        if mincount <= 0:
            for d in alldocs:
                for v in d.vals(field):
                    counts.setdefault(v, 0)
        items = sorted(
            ((v, c) for v, c in counts.items() if c >= mincount),
            key=lambda vc: (-vc[1], vc[0]),
        )
        if limit >= 0:
            items = items[:limit]
        out[field] = [x for vc in items for x in vc]
    return out


# ------------------------------------------------------------------ http ---
def schema_xml() -> bytes:
    # CKAN reads only the name ("ckan-X.Y") to check the version
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<schema name="{SCHEMA_NAME}" version="1.6">\n'
        "  <uniqueKey>index_id</uniqueKey>\n</schema>\n"
    ).encode()


def apply_update(index: Index, body: bytes) -> int:
    """pysolr's add (a JSON list of docs) and XML <delete> (<id>, <query>) /
    <commit/> / <optimize/>. Returns how many operations were applied."""
    text = body.decode("utf-8", "replace").strip()
    if not text:
        return 0
    if text[0] in "[{":
        docs = json.loads(text)
        docs = docs if isinstance(docs, list) else [docs]
        for doc in docs:
            index.add(doc)
        return len(docs)
    root, n = ET.fromstring(text), 0
    for el in root.iter("delete") if root.tag != "delete" else [root]:
        for sub in el:
            if sub.tag == "id" and sub.text:
                index.delete_id(sub.text.strip())
            elif sub.tag == "query" and sub.text:
                index.delete_query(sub.text)
            n += 1
    if root.tag not in ("delete", "commit", "optimize", "rollback", "update"):
        raise QueryError(f"unsupported update message <{root.tag}>")
    return n


class Handler(BaseHTTPRequestHandler):
    server_version = "solr-standin/1"
    protocol_version = "HTTP/1.1"
    server: Server
    quiet = False

    def log_message(self, fmt, *args):  # request log (stderr)
        if not self.quiet:
            sys.stderr.write(f"{self.log_date_time_string()} {fmt % args}\n")

    def _send(self, status: int, payload, ctype="application/json; charset=utf-8"):
        body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _error(self, status: int, msg: str):
        self._send(
            status,
            {
                "responseHeader": {"status": status, "QTime": 0},
                "error": {"msg": msg, "code": status},
            },
        )

    def do_GET(self):
        self._handle(b"")

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        self._handle(self.rfile.read(length) if length else b"")

    def _handle(self, body: bytes):
        url = urlsplit(self.path)
        params: dict[str, list[str]] = {}
        pairs = parse_qsl(url.query, keep_blank_values=True)
        ctype = (self.headers.get("Content-Type") or "").lower()
        action = re.sub(r"^/solr/[^/]+/", "", url.path).strip("/")
        if action in ("select", "query") and "x-www-form-urlencoded" in ctype:
            pairs += parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True)
        for k, v in pairs:
            params.setdefault(k, []).append(v)
        try:
            if action in ("select", "query"):
                return self._send(200, self.server.index.select(params))
            if action.startswith("update"):
                n = apply_update(self.server.index, body)
                if not self.quiet:
                    sys.stderr.write(f"  update: {n} operation(s)\n")
                return self._send(200, {"responseHeader": {"status": 0, "QTime": 0}})
            if action == "admin/ping":
                return self._send(
                    200, {"responseHeader": {"status": 0, "QTime": 0}, "status": "OK"}
                )
            if action == "schema" or (
                action == "admin/file" and first(params, "file") == "schema.xml"
            ):
                if action == "schema" and first(params, "wt") not in (
                    "schema.xml",
                    "xml",
                ):
                    return self._send(
                        200,
                        {
                            "schema": {
                                "name": SCHEMA_NAME,
                                "version": 1.6,
                                "uniqueKey": "index_id",
                            }
                        },
                    )
                return self._send(200, schema_xml(), "application/xml; charset=utf-8")
            return self._error(404, f"unknown handler: /{action}")
        except (QueryError, ValueError, ET.ParseError) as e:
            return self._error(400, f"org.apache.solr.search.SyntaxError: {e}")
        except Exception as e:  # noqa: BLE001 - a bug here: say so, keep serving
            import traceback

            traceback.print_exc()
            return self._error(500, f"solr-standin internal error: {e!r}")


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, addr, handler):
        super().__init__(addr, handler)
        self.index = Index()


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--pidfile")
    ap.add_argument("--quiet", action="store_true", help="do not log requests")
    a = ap.parse_args(argv)
    Handler.quiet = a.quiet
    srv = Server((a.host, a.port), Handler)
    if a.pidfile:
        tmp = a.pidfile + ".tmp"
        with open(tmp, "w") as fh:
            fh.write(f"{os.getpid()}\n")
        os.replace(tmp, a.pidfile)

    def _stop(signum, frame):
        threading.Thread(target=srv.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    sys.stderr.write(f"solr-standin listening on http://{a.host}:{a.port}/solr/ckan\n")
    sys.stderr.flush()
    try:
        srv.serve_forever(poll_interval=0.2)
    finally:
        srv.server_close()
        if a.pidfile:
            try:
                os.unlink(a.pidfile)
            except OSError:
                pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
