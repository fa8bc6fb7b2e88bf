"""Run every canned query (queries/*.rq, default parameters bound) on two SPARQL endpoints and compare.

    python -m tests.server.compare_backends URL_A URL_B [--dist dist] [--json out.json]

URL_A / URL_B are /sparql endpoints (ours on each backend). A third column is pyoxigraph in process on
the release with the default graph as the SET union of the named graphs (each distinct triple once),
the semantics our endpoint is to serve. Rows are compared as lists when the query has ORDER BY (as
multisets first, so that a different order of ties is told apart from different rows), else as
multisets; literals by value, datatype and language tag; blank nodes all alike. Where rows differ the
script also compares them after normalising (xsd:string = plain literal, language tags in lower case,
numbers by value whatever their XSD type) and says which normalisation made them equal.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections import Counter
from decimal import Decimal, InvalidOperation
from itertools import combinations
from pathlib import Path

import pyoxigraph as ox
import requests

from iscm_kg.querying import all_queries

XSD = "http://www.w3.org/2001/XMLSchema#"
NUMERIC = {
    XSD + t
    for t in (
        "integer",
        "int",
        "long",
        "short",
        "byte",
        "decimal",
        "double",
        "float",
        "nonNegativeInteger",
        "positiveInteger",
        "unsignedInt",
        "unsignedLong",
    )
}
Term = tuple[str, ...]
Row = tuple[Term, ...]


def term_from_json(binding: dict[str, str] | None) -> Term:
    if binding is None:
        return ("unbound",)
    kind = binding["type"]
    if kind == "uri":
        return ("uri", binding["value"])
    if kind == "bnode":
        return ("bnode",)
    if kind in ("literal", "typed-literal"):  # Virtuoso still writes SPARQL 1.0's "typed-literal"
        return ("literal", binding["value"], binding.get("datatype", ""), binding.get("xml:lang", ""))
    return ("?", json.dumps(binding))


def term_from_ox(term: object) -> Term:
    if term is None:
        return ("unbound",)
    if isinstance(term, ox.NamedNode):
        return ("uri", term.value)
    if isinstance(term, ox.BlankNode):
        return ("bnode",)
    assert isinstance(term, ox.Literal)
    datatype = "" if term.language or term.datatype.value == XSD + "string" else term.datatype.value
    return ("literal", term.value, datatype, term.language or "")


def normalise(term: Term, how: frozenset[str], separators: list[str]) -> Term:
    """``term`` as compared under the normalisations in ``how`` (see NORMALISATIONS)."""
    if term[0] != "literal":
        return term
    _, value, datatype, lang = term
    if "string" in how and datatype == XSD + "string":
        datatype = ""
    if "lang" in how:
        lang = lang.lower()
    if "boolean" in how and (datatype == XSD + "boolean" or (datatype in NUMERIC and value in ("0", "1"))):
        value, datatype = ("true" if value in ("1", "true") else "false"), "boolean"
    if "number" in how and datatype in NUMERIC:
        try:
            value, datatype = f"{Decimal(value):.12g}", "number"
        except InvalidOperation:
            pass
    if "concat" in how and datatype in ("", XSD + "string"):
        for separator in separators:
            if separator and separator in value:
                value = separator.join(sorted(value.split(separator)))
        datatype, lang = "", ""
    return ("literal", value, datatype, lang)


# string: xsd:string = plain literal; lang: tags in lower case; boolean: "1"/"0" (Virtuoso) = true/false;
# number: numbers by value to 12 digits, whatever their type; concat: GROUP_CONCAT results as sorted lists of
# items, language tag dropped; bag: rows as a set (a triple in n graphs counted once).
NORMALISATIONS = ["string", "lang", "boolean", "number", "concat", "bag"]


def fetch(url: str, text: str) -> tuple[list[str], list[Row], float]:
    started = time.monotonic()
    response = requests.post(
        url, data={"query": text}, headers={"Accept": "application/sparql-results+json"}, timeout=120
    )
    elapsed = time.monotonic() - started
    if response.status_code != 200:
        raise RuntimeError(f"HTTP {response.status_code}: {response.text[:300]}")
    data = response.json()
    variables = data["head"]["vars"]
    rows = [tuple(term_from_json(b.get(v)) for v in variables) for b in data["results"]["bindings"]]
    return variables, rows, elapsed


def reference_store(dist: Path) -> ox.Store:
    store = ox.Store()
    store.bulk_load(path=str(dist / "iscm-kg.nq"), format=ox.RdfFormat.N_QUADS)
    store.update("INSERT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }")  # the set union, as the default graph
    return store


def run_reference(store: ox.Store, text: str) -> tuple[list[str], list[Row], float]:
    started = time.monotonic()
    result = store.query(text)
    assert isinstance(result, ox.QuerySolutions)
    variables = [v.value for v in result.variables]
    rows = [tuple(term_from_ox(s[v]) for v in variables) for s in result]
    return variables, rows, time.monotonic() - started


def compare(a: list[Row], b: list[Row], ordered: bool, bag: bool = False) -> str:
    """'same', 'tie order' (same rows, other order), 'duplicates' (same set of rows) or 'different'."""
    if bag:
        return "same" if set(a) == set(b) else "different"
    if ordered and a == b:
        return "same"
    if Counter(a) == Counter(b):
        return "tie order" if ordered else "same"
    if set(a) == set(b):
        return "duplicates"
    return "different"


def order_keys(text: str, variables: list[str]) -> list[int] | None:
    """The columns of the ORDER BY keys, when they are all plain projected variables; else None."""
    match = re.search(r"\bORDER\s+BY\b(.*?)(?:\bLIMIT\b|\bOFFSET\b|$)", text, re.IGNORECASE | re.DOTALL)
    if not match:
        return None
    keys = []
    for item in re.findall(r"(?:ASC|DESC)?\s*\(\s*\?(\w+)\s*\)|\?(\w+)|(\S)", match.group(1), re.IGNORECASE):
        name = item[0] or item[1]
        if not name or name not in variables:
            return None
        keys.append(variables.index(name))
    return keys


def explain(a: list[Row], b: list[Row], ordered: bool, separators: list[str], keys: list[int] | None = None) -> str:
    """The fewest normalisations under which the rows are equal (ties aside), or what differs."""
    for size in range(len(NORMALISATIONS) + 1):
        for how in map(frozenset, combinations(NORMALISATIONS, size)):
            na = [tuple(normalise(t, how, separators) for t in row) for row in a]
            nb = [tuple(normalise(t, how, separators) for t in row) for row in b]
            verdict = compare(na, nb, ordered, "bag" in how)
            if verdict in ("same", "tie order"):
                if verdict == "tie order" and keys is not None:
                    ka = [tuple(row[i] for i in keys) for row in na]
                    kb = [tuple(row[i] for i in keys) for row in nb]
                    if ka != kb:
                        verdict = "ORDER differs (not only ties)"
                names = "+".join(n for n in NORMALISATIONS if n in how)
                return f"{verdict} after normalising {names}" if names else verdict
    everything = frozenset(NORMALISATIONS)
    na = Counter(tuple(normalise(t, everything, separators) for t in row) for row in a)
    nb = Counter(tuple(normalise(t, everything, separators) for t in row) for row in b)
    only_a, only_b = na - nb, nb - na
    return (
        f"{len(a)} vs {len(b)} rows, after all normalisations {sum(only_a.values())} only left, "
        f"e.g. {list(only_a)[:2]}; {sum(only_b.values())} only right, e.g. {list(only_b)[:2]}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("left")
    parser.add_argument("right")
    parser.add_argument("--dist", type=Path, default=Path("dist"))
    parser.add_argument("--json", type=Path)
    parser.add_argument("--only", help="a regular expression on query names")
    args = parser.parse_args()
    store = reference_store(args.dist)
    report = []
    for name, query in all_queries().items():
        if args.only and not re.search(args.only, name):
            continue
        text = query.bind({})
        ordered = bool(re.search(r"\bORDER\s+BY\b", text, re.IGNORECASE))
        separators = re.findall(r'separator\s*=\s*"([^"]*)"', text, re.IGNORECASE)
        if re.search(r"GROUP_CONCAT\s*\((?:(?!separator)[^;)])*\)", text, re.IGNORECASE):
            separators.append(" ")
        answers = {}
        for side, run in (
            ("left", lambda t: fetch(args.left, t)),
            ("right", lambda t: fetch(args.right, t)),
            ("set-union", lambda t: run_reference(store, t)),
        ):
            try:
                answers[side] = run(text)
            except Exception as exc:  # noqa: BLE001 - reported, not raised
                answers[side] = ([], [], 0.0, str(exc))  # type: ignore[assignment]
        entry = {"query": name, "rows": {k: len(v[1]) for k, v in answers.items()}}
        errors = {k: v[3] for k, v in answers.items() if len(v) > 3}
        if errors:
            entry["errors"] = errors
        left, right, ref = (answers[k][1] for k in ("left", "right", "set-union"))
        entry["left-right"] = compare(left, right, ordered)
        entry["right-set"] = compare(right, ref, ordered)
        entry["left-set"] = compare(left, ref, ordered)
        for pair, (x, y) in (("left-right", (left, right)), ("right-set", (right, ref))):
            if entry[pair] not in ("same",):
                keys = order_keys(text, answers["left"][0]) if ordered else None
                entry[pair + " why"] = explain(x, y, ordered, separators, keys)
        entry["seconds"] = {k: round(v[2], 3) for k, v in answers.items()}
        report.append(entry)
        print(
            f"{name:34} rows {entry['rows']['left']:>5}/{entry['rows']['right']:>5}/{entry['rows']['set-union']:>5}"
            f"  left-right: {entry['left-right']:10} right-set: {entry['right-set']:10} left-set: {entry['left-set']}"
            + (f"  ERRORS {errors}" if errors else ""),
            flush=True,
        )
        for pair in ("left-right", "right-set"):
            if pair + " why" in entry:
                print(f"    {pair}: {entry[pair + ' why'][:400]}")
    if args.json:
        args.json.write_text(json.dumps(report, indent=1, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
