"""Which remote endpoints a query may make the engine call: SERVICE (and an update's LOAD), decided
on the parsed query.

A text that does not contain the word SERVICE (or LOAD) outside its IRIs, also after SPARQL's ``\\u``
escapes are applied, cannot call anything: most queries are let through on that test alone. (An IRI
reference, ``<…>`` without spaces, quotes or braces, cannot hold the keyword of a SERVICE clause, whose
group follows it with a brace.) Any other text is
parsed with rdflib's SPARQL parser (prefixes, BASE and escapes resolved as the grammar says) and
every SERVICE in the algebra, in subqueries and EXISTS included, is checked against the allow-list.
A text that mentions SERVICE but cannot be parsed is refused: what cannot be checked is not run.
This is the first guard; the second is that the engine processes cannot open network sockets at
all unless a query needs an allowed endpoint (server/engine/sandbox.py).
"""

from __future__ import annotations

import re
from typing import Any

LOCAL, FEDERATED = "local", "federated"
_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
# IRIREF of the SPARQL grammar: no spaces, quotes, braces, pipes, carets, backquotes or backslashes.
_IRIREF = re.compile(r'<[^<>"{}|^`\\\x00-\x20]*>')


class ServiceNotAllowed(ValueError):
    """The text calls (or may call) an endpoint that is not on the allow-list."""


def _unescaped(text: str) -> str:
    return _ESCAPE.sub(lambda m: chr(int(m.group(1) or m.group(2), 16)), text)


def _mentions(text: str, words: tuple[str, ...]) -> bool:
    """True if a word may be a keyword of ``text``: it appears outside its IRI references."""
    variants = [text]
    if "\\u" in text or "\\U" in text:
        once = _unescaped(text)
        variants += [once, _unescaped(once)]
    for variant in variants:
        lower = variant.lower()
        if any(word in lower for word in words) and any(word in _IRIREF.sub(" ", lower) for word in words):
            return True
    return False


def endpoints(text: str, base_iri: str | None, update: bool = False) -> list[tuple[str, str | None]]:
    """What the text calls: ("SERVICE", IRI or None for ``SERVICE ?var``) and, in an update, ("LOAD",
    IRI). Raises ServiceNotAllowed if the text cannot be parsed."""
    from rdflib.plugins.sparql.algebra import translateQuery, translateUpdate, traverse
    from rdflib.plugins.sparql.parser import parseQuery, parseUpdate
    from rdflib.plugins.sparql.parserutils import CompValue
    from rdflib.term import URIRef

    try:
        if update:
            operations: list[Any] = list(translateUpdate(parseUpdate(text), base=base_iri).algebra)
        else:
            operations = [translateQuery(parseQuery(text), base=base_iri).algebra]
    except RecursionError:
        raise ServiceNotAllowed("the text mentions SERVICE and is nested too deeply to be checked") from None
    except Exception as exc:  # noqa: BLE001 - any parser failure means the text cannot be checked
        message = " ".join(str(exc).split())[:200]
        raise ServiceNotAllowed(f"the text mentions SERVICE and could not be checked: {message}") from None
    found: list[tuple[str, str | None]] = []

    def visit(node: Any) -> None:
        if isinstance(node, CompValue):
            if node.name == "ServiceGraphPattern":
                term = node.get("term")
                found.append(("SERVICE", str(term) if isinstance(term, URIRef) else None))
            elif node.name == "Load":
                found.append(("LOAD", str(node.get("iri"))))

    try:
        for operation in operations:
            traverse(operation, visitPre=visit)
    except RecursionError:
        raise ServiceNotAllowed("the text mentions SERVICE and is nested too deeply to be checked") from None
    return found


def check(text: str, allowlist: list[str], base_iri: str | None, update: bool = False) -> str:
    """LOCAL if the text calls no endpoint, FEDERATED if it calls only allowed ones; else raise."""
    words = ("service", "load") if update else ("service",)
    if not _mentions(text, words):
        return LOCAL
    called = endpoints(text, base_iri, update)
    if not called:
        return LOCAL
    if "*" in allowlist:
        return FEDERATED
    for keyword, endpoint in called:
        if endpoint is None:
            raise ServiceNotAllowed("SERVICE with a variable endpoint is not allowed on this server")
        if not any(_allowed(endpoint, entry) for entry in allowlist):
            raise ServiceNotAllowed(f"{keyword} <{endpoint}> is not on this server's allow-list")
    return FEDERATED


def _allowed(endpoint: str, entry: str) -> bool:
    return endpoint == entry or (entry.endswith("*") and endpoint.startswith(entry[:-1]))
