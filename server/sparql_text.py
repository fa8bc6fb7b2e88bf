"""A small SPARQL lexer for the few things the protocol layer must know before the engine runs.

It never evaluates anything (Oxigraph does) and decides nothing about safety (SERVICE is checked on
the parsed query: service_policy.py): it finds the query form (for a remote backend), whether a query
names its own dataset, where to put the USING clauses that the ``using-graph-uri`` /
``using-named-graph-uri`` protocol parameters stand for in an update, and the ORDER BY keys.
The lexer knows IRIs, strings, comments and braces, so keywords inside them are not mistaken for syntax.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pyoxigraph as ox

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


def declares_base(text: str) -> bool:
    """True if the text's prologue has a BASE declaration."""
    toks = tokens(unescape(text))
    i = 0
    while i < len(toks) and toks[i].kind == "word" and toks[i].upper == "PREFIX":
        i += 3  # PREFIX name: <iri>
    return i < len(toks) and toks[i].kind == "word" and toks[i].upper == "BASE"


def iri_term(iri: str) -> str:
    """``<iri>`` for a text sent to a remote endpoint, checked to be an IRI (ValueError if not), so that
    nothing else can be spliced into the text."""
    return str(ox.NamedNode(iri))


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


# --- ORDER BY --------------------------------------------------------------------------------------------

_ORDER_BY = re.compile(r"(?i)order\s*by|\\[uU]")
_ORDER_END = {"LIMIT", "OFFSET", "VALUES"}
# numbers (and IRIs, blank nodes: no datatype) | other literals by datatype, times with a time zone apart
_ORDER_KEY = '(IF(isNumeric({e}), "", CONCAT(STR(DATATYPE({e})), IF(COALESCE(TZ({e}), "") = "", "", " tz")))) '
# functions whose values are all of one kind (numbers, or simple literals), or an error (unbound)
_ONE_KIND = {
    "COUNT",
    "SUM",
    "AVG",
    "STRLEN",
    "YEAR",
    "MONTH",
    "DAY",
    "HOURS",
    "MINUTES",
    "ABS",
    "ROUND",
    "CEIL",
    "FLOOR",
    "STR",
    "ENCODE_FOR_URI",
}


@dataclass(frozen=True)
class _Condition:
    start: int  # where the condition starts in the text
    first: int  # its expression's first and last tokens (inside ASC( ) or DESC( ))
    last: int


def total_order_by(text: str) -> str:
    """``text`` with a sort key put before each ORDER BY condition that keeps apart the kinds of terms
    Oxigraph cannot compare consistently.

    Oxigraph 0.5 compares a number with a string by their lexical forms but two numbers by value, which is
    not a total order (9 < 10, 10 < "5", "5" < 9); times with and without a time zone are the same kind of
    trap. Rust's sort detects that on larger inputs and the process aborts: one query could take a worker,
    and a few the whole server, down. With the key, numbers (and IRIs and blank nodes) sort among
    themselves, then other literals by datatype, times with a time zone apart; SPARQL leaves the order
    between such terms to the implementation, so every order it defines is kept. A condition whose values
    are all of one kind (``COUNT(...)``, ``STR(...)``, or a variable only such a function binds) needs no
    key. A query without ORDER BY, or one this lexer cannot follow, is returned as it is.
    """
    if not _ORDER_BY.search(text):
        return text
    source = unescape(text)
    if source != text and re.search(r"\\[uU]", source):
        return text  # escapes that make escapes: leave such a text to the engine as it is
    toks = tokens(source)
    conditions: list[_Condition] = []
    in_order_by: set[int] = set()
    i = 0
    while i + 1 < len(toks):
        if toks[i].kind == "word" and toks[i].upper == "ORDER" and toks[i + 1].upper == "BY":
            found = _order_conditions(toks, i + 2)
            if found is None:
                return text
            conditions += found
            in_order_by.update(range(i, found[-1].last + 2))
            i = found[-1].last + 1
            continue
        i += 1
    one_kind = _one_kind_variables(toks, in_order_by)
    out, last = [], 0
    for condition in conditions:
        first, end = toks[condition.first], toks[condition.last]
        if condition.first == condition.last and first.kind == "var" and first.text[1:] in one_kind:
            continue
        if first.upper in _ONE_KIND and _closing_paren(toks, condition.first + 1) == condition.last:
            continue
        out += [source[last : condition.start], _ORDER_KEY.format(e=source[first.start : end.end])]
        last = condition.start
    if not out:
        return text
    out.append(source[last:])
    return "".join(out)


def _order_conditions(toks: list[Token], i: int) -> list[_Condition] | None:
    """The conditions of the ORDER BY clause whose first token is ``i``; None if the clause is not one
    this lexer can follow."""
    conditions: list[_Condition] = []
    while i < len(toks):
        token = toks[i]
        if (token.kind == "word" and token.upper in _ORDER_END) or token.text == "}":
            break
        if token.kind == "var":
            conditions.append(_Condition(token.start, i, i))
            i += 1
            continue
        direction = token.kind == "word" and token.upper in ("ASC", "DESC")
        opening = i if token.text == "(" else i + 1  # (e), ASC(e), DESC(e), or a call: STR(e), ex:f(e)
        end = _closing_paren(toks, opening)
        if end is None or (token.text != "(" and token.kind not in ("word", "pname", "iri")):
            return None
        if any(t.text == "{" for t in toks[i:end]):  # EXISTS { ... } and the like: not worth following
            return None
        if direction and end == opening + 2:  # DESC(?v): the variable itself
            conditions.append(_Condition(token.start, opening + 1, opening + 1))
        else:
            conditions.append(_Condition(token.start, opening if direction else i, end))
        i = end + 1
    return conditions or None


def _one_kind_variables(toks: list[Token], in_order_by: set[int]) -> set[str]:
    """Variables bound only by ``(F(...) AS ?v)`` with F in _ONE_KIND and used nowhere else but in
    ORDER BY and the projection's ``AS``: their values are all of one kind."""
    bound: set[str] = set()
    for k, token in enumerate(toks):
        if token.kind == "word" and token.upper == "AS" and k + 1 < len(toks) and toks[k + 1].kind == "var":
            close = k - 1
            if close > 0 and toks[close].text == ")":
                opening = next((m for m in range(close, -1, -1) if _closing_paren(toks, m) == close), None)
                if opening and toks[opening - 1].upper in _ONE_KIND:
                    bound.add(toks[k + 1].text[1:])
    uses: dict[str, int] = {}
    for k, token in enumerate(toks):
        if token.kind == "var" and k not in in_order_by:
            uses[token.text[1:]] = uses.get(token.text[1:], 0) + 1
    return {name for name in bound if uses.get(name) == 1}


def _closing_paren(toks: list[Token], i: int) -> int | None:
    """The index of the ``)`` that closes the ``(`` at token ``i``."""
    if i >= len(toks) or toks[i].text != "(":
        return None
    level = 0
    for j in range(i, len(toks)):
        if toks[j].text == "(":
            level += 1
        elif toks[j].text == ")":
            level -= 1
            if level == 0:
                return j
    return None
