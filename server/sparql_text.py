"""A small SPARQL lexer for the few things the protocol layer must know before the engine runs.

It never evaluates anything (Oxigraph does): it finds the query form (for a remote backend), the
endpoints named in SERVICE clauses (for the allow-list), and where to put the USING clauses that the
``using-graph-uri`` / ``using-named-graph-uri`` protocol parameters stand for in an update.
The lexer knows IRIs, strings, comments and braces, so keywords inside them are not mistaken for syntax.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urljoin

_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_TOKEN = re.compile(
    r"""
    (?P<ws>\s+)
  | (?P<comment>\#[^\n\r]*)
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<string>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
               |'(?:[^'\\\n\r]|\\.)*'|"(?:[^"\\\n\r]|\\.)*")
  | (?P<var>[?$][A-Za-z0-9_\u00B7\u00C0-\uFFFF]+)
  | (?P<pname>(?:[A-Za-z\u00C0-\uFFFF][\w.\-\u00B7\u00C0-\uFFFF]*)?:
               (?:[\w\-:%.\\\u00B7\u00C0-\uFFFF]*[\w\-:%\\\u00B7\u00C0-\uFFFF])?)
  | (?P<word>[A-Za-z_][A-Za-z0-9_\-]*)
  | (?P<punct>[{}();,.\[\]])
  | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)

QUERY_FORMS = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")


@dataclass(frozen=True)
class Token:
    kind: str
    text: str
    start: int
    end: int
    depth: int

    @property
    def upper(self) -> str:
        return self.text.upper()


def unescape(text: str) -> str:
    """Apply SPARQL's codepoint escapes (``\\u0041``), which come before any other parsing."""
    if "\\u" not in text and "\\U" not in text:
        return text
    return _ESCAPE.sub(lambda m: chr(int(m.group(1) or m.group(2), 16)), text)


def tokens(text: str) -> list[Token]:
    """The significant tokens of ``text`` (no whitespace, no comments), with their brace depth."""
    result: list[Token] = []
    depth = 0
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup or "other"
        if kind in ("ws", "comment"):
            continue
        value = match.group()
        if value == "}":
            depth -= 1
        result.append(Token(kind, value, match.start(), match.end(), depth))
        if value == "{":
            depth += 1
    return result


def query_form(text: str) -> str | None:
    """SELECT, ASK, CONSTRUCT or DESCRIBE: the form of a query, or None if none is found."""
    for token in tokens(unescape(text)):
        if token.kind == "word" and token.upper in QUERY_FORMS:
            return token.upper
    return None


class ServiceNotAllowed(ValueError):
    """A SERVICE clause calls an endpoint that is not on the allow-list."""


def service_endpoints(
    text: str, base_iri: str | None = None, keywords: tuple[str, ...] = ("SERVICE",)
) -> list[str | None]:
    """The IRIs named after SERVICE (None for a variable), with prefixes and BASE applied.

    ``keywords=("SERVICE", "LOAD")`` also finds what an update LOADs: both make the server fetch a URL.
    """
    toks = tokens(unescape(text))
    prefixes: dict[str, str] = {}
    base = base_iri
    found: list[str | None] = []
    i = 0
    while i < len(toks):
        token = toks[i]
        upper = token.upper if token.kind == "word" else ""
        if upper == "BASE" and i + 1 < len(toks) and toks[i + 1].kind == "iri":
            base = _resolve(toks[i + 1].text[1:-1], base)
            i += 2
            continue
        if upper == "PREFIX" and i + 2 < len(toks) and toks[i + 1].kind == "pname" and toks[i + 2].kind == "iri":
            prefixes[toks[i + 1].text[:-1] if toks[i + 1].text.endswith(":") else toks[i + 1].text.split(":")[0]] = (
                _resolve(toks[i + 2].text[1:-1], base)
            )
            i += 3
            continue
        if upper in keywords:
            j = i + 1
            if j < len(toks) and toks[j].kind == "word" and toks[j].upper == "SILENT":
                j += 1
            target = toks[j] if j < len(toks) else None
            if target is None or target.kind == "var":
                found.append(None)
            elif target.kind == "iri":
                found.append(_resolve(target.text[1:-1], base))
            elif target.kind == "pname":
                prefix, _, local = target.text.partition(":")
                found.append(prefixes.get(prefix, prefix + ":") + local)
            else:
                found.append(None)
            i = j + 1
            continue
        i += 1
    return found


def _resolve(iri: str, base: str | None) -> str:
    return urljoin(base, iri) if base else iri


def check_services(text: str, allowlist: list[str], base_iri: str | None = None, update: bool = False) -> None:
    """Raise ServiceNotAllowed if a SERVICE clause (or, in an update, a LOAD) fetches a URL the
    allow-list does not name."""
    upper = text.upper()
    if "SERVICE" not in upper and "\\U" not in upper and not (update and "LOAD" in upper):
        return
    if "*" in allowlist:
        return
    for endpoint in service_endpoints(text, base_iri, ("SERVICE", "LOAD") if update else ("SERVICE",)):
        if endpoint is None:
            raise ServiceNotAllowed("SERVICE with a variable endpoint is not allowed on this server")
        if not any(
            endpoint == allowed or (allowed.endswith("*") and endpoint.startswith(allowed[:-1]))
            for allowed in allowlist
        ):
            raise ServiceNotAllowed(f"SERVICE <{endpoint}> is not on this server's allow-list")


class DatasetConflict(ValueError):
    """An update names its dataset (USING or WITH) and the request does too."""


def add_using_clauses(update: str, using: list[str], using_named: list[str]) -> str:
    """Rewrite ``update`` as if each DELETE/INSERT ... WHERE operation had these USING clauses.

    This is what the protocol's ``using-graph-uri`` and ``using-named-graph-uri`` parameters mean.
    An operation that already has USING or WITH makes the request ambiguous: DatasetConflict.
    """
    if not using and not using_named:
        return update
    text = unescape(update)
    clauses = "".join(f" USING <{iri}>" for iri in using) + "".join(f" USING NAMED <{iri}>" for iri in using_named)
    insert_at: list[int] = []
    operation: list[Token] = []
    for token in tokens(text) + [Token("punct", ";", len(text), len(text), 0)]:
        if token.depth == 0 and token.text == ";":
            position = _modify_where(operation)
            if position is not None:
                insert_at.append(position)
            operation = []
        else:
            operation.append(token)
    for position in reversed(insert_at):
        text = text[:position] + clauses + " " + text[position:]
    return text


def _modify_where(operation: list[Token]) -> int | None:
    """Where the WHERE of a DELETE/INSERT operation starts (None for other operations)."""
    words = [t for t in operation if t.depth == 0 and t.kind == "word"]
    keywords = [t.upper for t in words]
    while keywords and keywords[0] in ("PREFIX", "BASE"):
        keywords.pop(0)
        words.pop(0)
    if not keywords or keywords[0] not in ("WITH", "DELETE", "INSERT"):
        return None
    if keywords[:2] in (["DELETE", "WHERE"], ["DELETE", "DATA"], ["INSERT", "DATA"]):
        return None
    if "WITH" in keywords or "USING" in keywords:
        raise DatasetConflict(
            "the update names its dataset with USING or WITH, and the request names one "
            "with using-graph-uri / using-named-graph-uri; use only one of them"
        )
    for token in words:
        if token.upper == "WHERE":
            return token.start
    return None
