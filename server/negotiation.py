"""Content negotiation: which serialization answers a request.

Results of SELECT and ASK are "results" (SPARQL JSON, XML, CSV, TSV); results of CONSTRUCT and DESCRIBE,
graphs and the service description are "rdf" (Turtle, N-Triples, N-Quads, TriG, JSON-LD, RDF/XML).
The client's ``Accept`` header is honoured with its q-values (Werkzeug's parser); the ``format`` and
``output`` parameters that common clients send win over it. ``None`` means nothing fits (406).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

import pyoxigraph as ox
from werkzeug.datastructures import MIMEAccept
from werkzeug.http import parse_accept_header

RESULTS = "results"
RDF = "rdf"


@dataclass(frozen=True)
class Format:
    """One serialization: its name, the Content-Type we send and the media types that select it."""

    key: str
    kind: str
    content_type: str
    media_types: tuple[str, ...]
    ox_format: ox.QueryResultsFormat | ox.RdfFormat = field(compare=False)

    @property
    def media_type(self) -> str:
        return self.media_types[0]


RESULT_FORMATS: tuple[Format, ...] = (
    Format(
        "json",
        RESULTS,
        "application/sparql-results+json",
        ("application/sparql-results+json", "application/json", "text/json"),
        ox.QueryResultsFormat.JSON,
    ),
    Format(
        "xml",
        RESULTS,
        "application/sparql-results+xml",
        ("application/sparql-results+xml", "application/xml", "text/xml"),
        ox.QueryResultsFormat.XML,
    ),
    Format("csv", RESULTS, "text/csv; charset=utf-8", ("text/csv",), ox.QueryResultsFormat.CSV),
    Format(
        "tsv",
        RESULTS,
        "text/tab-separated-values; charset=utf-8",
        ("text/tab-separated-values",),
        ox.QueryResultsFormat.TSV,
    ),
)

RDF_FORMATS: tuple[Format, ...] = (
    Format(
        "turtle",
        RDF,
        "text/turtle; charset=utf-8",
        ("text/turtle", "application/x-turtle"),
        ox.RdfFormat.TURTLE,
    ),
    Format(
        "ntriples",
        RDF,
        "application/n-triples",
        ("application/n-triples", "text/plain"),
        ox.RdfFormat.N_TRIPLES,
    ),
    Format("nquads", RDF, "application/n-quads", ("application/n-quads", "text/x-nquads"), ox.RdfFormat.N_QUADS),
    Format("trig", RDF, "application/trig", ("application/trig", "application/x-trig"), ox.RdfFormat.TRIG),
    Format(
        "jsonld",
        RDF,
        "application/ld+json",
        ("application/ld+json", "application/json"),
        ox.RdfFormat.JSON_LD,
    ),
    Format(
        "rdfxml",
        RDF,
        "application/rdf+xml",
        ("application/rdf+xml", "application/xml", "text/xml"),
        ox.RdfFormat.RDF_XML,
    ),
)

FORMATS: dict[str, tuple[Format, ...]] = {RESULTS: RESULT_FORMATS, RDF: RDF_FORMATS}
BY_KEY: dict[tuple[str, str], Format] = {(f.kind, f.key): f for f in RESULT_FORMATS + RDF_FORMATS}

# Values of the format / output parameters: a short name per kind of result.
_FORMAT_NAMES: dict[str, dict[str, str]] = {
    "json": {RESULTS: "json", RDF: "jsonld"},
    "srj": {RESULTS: "json"},
    "sparql-results+json": {RESULTS: "json"},
    "xml": {RESULTS: "xml", RDF: "rdfxml"},
    "srx": {RESULTS: "xml"},
    "sparql-results+xml": {RESULTS: "xml"},
    "csv": {RESULTS: "csv"},
    "tsv": {RESULTS: "tsv"},
    "turtle": {RDF: "turtle"},
    "ttl": {RDF: "turtle"},
    "n3": {RDF: "turtle"},
    "nt": {RDF: "ntriples"},
    "ntriples": {RDF: "ntriples"},
    "n-triples": {RDF: "ntriples"},
    "nq": {RDF: "nquads"},
    "nquads": {RDF: "nquads"},
    "n-quads": {RDF: "nquads"},
    "trig": {RDF: "trig"},
    "jsonld": {RDF: "jsonld"},
    "json-ld": {RDF: "jsonld"},
    "rdfxml": {RDF: "rdfxml"},
    "rdf": {RDF: "rdfxml"},
    "rdf+xml": {RDF: "rdfxml"},
    "rdf/xml": {RDF: "rdfxml"},
}


class UnknownFormat(ValueError):
    """A format/output parameter names no serialization we know."""

    def __init__(self, parameter: str, value: str) -> None:
        super().__init__(
            f"unknown value {value!r} for parameter {parameter!r}; use one of: "
            + ", ".join(sorted(_FORMAT_NAMES))
            + ", or a media type"
        )
        self.parameter = parameter


def known_format_value(value: str) -> bool:
    """True if ``value`` is a short format name or looks like a media type."""
    value = value.strip().lower()
    return value in _FORMAT_NAMES or "/" in value


def best_offer(accept: str | None, offered: list[str]) -> str | None:
    """The offered media type an Accept header prefers most (werkzeug's MIMEAccept; media type parameters other
    than q, such as charset=utf-8, select nothing here); None if none fits."""
    parsed = MIMEAccept(
        [(value.split(";", 1)[0].strip(), quality) for value, quality in parse_accept_header(accept, MIMEAccept)]
    )
    return parsed.best_match(offered)


HTML = "html"
# What a dereferenced IRI offers, in order of preference on a tie (browsers' */* gets the page).
PAGE_OR_DOCUMENT: dict[str, str] = {
    "text/html": HTML,
    "application/xhtml+xml": HTML,
    "text/turtle": "turtle",
    "application/x-turtle": "turtle",
    "application/ld+json": "jsonld",
    "application/n-triples": "ntriples",
    "application/rdf+xml": "rdfxml",
    "text/n3": "turtle",
    "application/json": "jsonld",
}


def prefers_page(accept: str | None, kind: str) -> bool:
    """True if the Accept header ranks a web page above every format of ``kind``: a browser opening the URL.
    A tie goes to the data, so ``*/*`` and no header (programs) keep getting it."""
    if not accept or not accept.strip():
        return False
    pages = [media_type for media_type, key in PAGE_OR_DOCUMENT.items() if key == HTML]
    offered = [media_type for fmt in FORMATS[kind] for media_type in fmt.media_types] + pages
    return best_offer(accept, offered) in pages


def choose_representation(accept: str | None) -> str | None:
    """``html`` or a document format key (of RDF formats) for an Accept header; None if nothing offered fits."""
    if not accept or not accept.strip():
        return HTML
    best = best_offer(accept, list(PAGE_OR_DOCUMENT))
    return PAGE_OR_DOCUMENT[best] if best else None


@lru_cache(maxsize=2048)
def choose(kind: str, accept: str | None, format_param: str | None = None) -> Format | None:
    """The format for a result of ``kind`` given the Accept header and a format/output parameter."""
    candidates = FORMATS[kind]
    if format_param:
        value = format_param.strip().lower()
        if value in _FORMAT_NAMES:
            key = _FORMAT_NAMES[value].get(kind)
            return BY_KEY[(kind, key)] if key else None
        # A media type given as the parameter value: treat it as an Accept header.
        accept = format_param
    if not accept or not accept.strip():
        return candidates[0]
    offered: list[str] = []
    owner: dict[str, Format] = {}
    for fmt in candidates:
        for media_type in fmt.media_types:
            if media_type not in owner:
                owner[media_type] = fmt
                offered.append(media_type)
    best = best_offer(accept, offered)
    return owner[best] if best else None


def offered_media_types(kind: str) -> list[str]:
    """The media types a client can ask for, for error messages and the service description."""
    return [fmt.media_type for fmt in FORMATS[kind]]


def rdf_format_for_content_type(content_type: str | None) -> ox.RdfFormat | None:
    """The RDF syntax of a request body, from its Content-Type (for the Graph Store Protocol)."""
    if not content_type:
        return None
    media_type = content_type.split(";", 1)[0].strip().lower()
    for fmt in RDF_FORMATS:
        if media_type in fmt.media_types and media_type not in (
            "application/json",
            "application/xml",
            "text/xml",
            "text/plain",
        ):
            return fmt.ox_format
    if media_type in ("text/n3",):
        return ox.RdfFormat.N3
    if media_type in ("application/json",):
        return ox.RdfFormat.JSON_LD
    if media_type in ("application/xml", "text/xml"):
        return ox.RdfFormat.RDF_XML
    if media_type == "text/plain":
        return ox.RdfFormat.N_TRIPLES
    return None
