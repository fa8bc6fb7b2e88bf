"""The dataset's IRIs, in one place: the base, the pattern of things (`{base}id/{kind}/{key}`), graphs and concept
schemes, the prefixes every serialization and query uses, and the one way a release gets another base.

Plain strings, no RDF library: the build, the analysis, the server and the tests all import these. The build
always mints IRIs under DEFAULT_BASE; a release built for another base (ISCM_KG_BASE) is rebased once, as text,
when it is written (:func:`rebase`)."""

from __future__ import annotations

from typing import NamedTuple

DEFAULT_BASE = "https://w3id.org/iscm/"

# the vocabularies the dataset uses, by their usual prefixes
VOCABULARIES: dict[str, str] = {
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "org": "http://www.w3.org/ns/org#",
    "prov": "http://www.w3.org/ns/prov#",
    "dct": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "void": "http://rdfs.org/ns/void#",
    "dcat": "http://www.w3.org/ns/dcat#",
    "sh": "http://www.w3.org/ns/shacl#",
    "wd": "http://www.wikidata.org/entity/",
    "schema": "https://schema.org/",
}
# prefixes for the things most queries name (kind of thing -> prefix)
THING_PREFIXES = {"mechanism": "mech", "state": "state", "organization": "orgn", "role": "role", "theme": "theme"}


def ontology(base: str = DEFAULT_BASE) -> str:
    """The ontology's namespace (terms are `{base}ontology#{term}`)."""
    return base + "ontology#"


def prefixes(base: str = DEFAULT_BASE) -> dict[str, str]:
    """Every prefix the project writes or reads: `iscm:`, the vocabularies, and the common kinds of things."""
    return {"iscm": ontology(base), **VOCABULARIES,
            **{prefix: f"{base}id/{kind}/" for kind, prefix in THING_PREFIXES.items()}}


def sparql_prologue(base: str = DEFAULT_BASE) -> str:
    return "".join(f"PREFIX {prefix}: <{iri}>\n" for prefix, iri in prefixes(base).items())


class Thing(NamedTuple):
    kind: str
    key: str


class Ids:
    """IRIs of things `{base}id/{kind}/{key}`, of graphs `{base}graph/{…}` and of concept schemes `{base}id/{kind}/`,
    and the way back from an IRI to its kind and key."""

    def __init__(self, base: str = DEFAULT_BASE) -> None:
        self.base = base

    def thing(self, kind: str, key: str) -> str:
        return f"{self.base}id/{kind}/{key}"

    def graph(self, *parts: str) -> str:
        return f"{self.base}graph/" + "/".join(parts)

    def scheme(self, kind: str) -> str:
        return f"{self.base}id/{kind}/"

    def dataset(self) -> str:
        """The dataset record (VoID, DCAT, the citation records): ``{base}id/dataset/iscm-kg``."""
        return self.thing("dataset", "iscm-kg")

    def split(self, iri: str) -> Thing | None:
        """`{base}id/{kind}/{key}` -> Thing(kind, key) (key may hold '/'); None for any other IRI."""
        prefix = self.base + "id/"
        if not iri.startswith(prefix):
            return None
        kind, slash, key = iri[len(prefix):].partition("/")
        return Thing(kind, key) if kind and slash else None

    def namespace(self, iri: str) -> str | None:
        """`{base}id/{kind}/` or `{base}graph/` for an IRI under them, else None."""
        if iri.startswith(self.base + "graph/"):
            return self.base + "graph/"
        thing = self.split(iri)
        return self.scheme(thing.kind) if thing else None


def rebase(text: str, base: str, source: str = DEFAULT_BASE) -> str:
    """N-Quads or a network file (CSV, JSON, GEXF, GraphML) with every IRI under ``source`` moved under ``base``
    (and every mention of it, as in void:uriSpace)."""
    return text if base == source else text.replace(source, base)


def shorten(iri: str, known: dict[str, str] | None = None) -> str:
    """`iscm:Statement` for an IRI under a known prefix, else the IRI itself."""
    for prefix, namespace in (known or prefixes()).items():
        if iri.startswith(namespace) and len(iri) > len(namespace):
            return f"{prefix}:{iri[len(namespace):]}"
    return iri
