"""The ontology's documentation, generated with pyLODE (pinned to 3.3.4: docs/linked-data.md) and fitted into the
site's layout: only its documentation, without its page, styles, logo or script; a table of contents the
template draws; each term anchored by its local name too."""

from __future__ import annotations

import logging
import re
from typing import Any

import rdflib
from markupsafe import Markup
from pylode import OntPub
from rdflib.namespace import DCTERMS, OWL, RDF, SKOS

# pyLODE's sections, in its order, by the keys of its table of contents
_SECTIONS = {"classes": "Classes", "properties": "Properties", "objectproperties": "Object properties",
             "datatypeproperties": "Datatype properties", "annotationproperties": "Annotation properties",
             "functionalproperties": "Functional properties", "namespaces": "Namespaces"}


def render(turtle: bytes, namespace: str) -> dict[str, Any]:
    """The documentation of the ontology in ``turtle`` (its terms in ``namespace``): its IRI and title, its
    concept schemes (label, IRI), the HTML of pyLODE's documentation and its table of contents."""
    graph = rdflib.Graph()
    graph.parse(data=turtle, format="turtle")
    iri = str(graph.value(None, RDF.type, OWL.Ontology))
    title = str(graph.value(rdflib.URIRef(iri), DCTERMS.title) or "Ontology")
    schemes = sorted(
        (str(graph.value(s, SKOS.prefLabel) or s), str(s)) for s in graph.subjects(RDF.type, SKOS.ConceptScheme)
    )
    # pyLODE takes every concept scheme for an ontology of its own (their titles ran into one heading): it
    # documents the OWL terms, and the schemes are listed with links to their pages.
    graph.remove((None, RDF.type, SKOS.ConceptScheme))
    logging.getLogger("root").setLevel(max(logging.getLogger("root").level, logging.WARNING))
    publication = OntPub(ontology=graph)
    publication.make_html()
    # Only the documentation goes into our layout (base.html); its title is our h1.
    content = publication.content
    metadata = content.get(id="metadata")[0]
    metadata.remove(metadata.get("h1")[0])
    toc = [
        (_SECTIONS[key], key, [(href, _text(labels)) for href, labels in entries])
        for key, entries in publication.toc.items()
        if key in _SECTIONS and entries
    ]
    return {
        "iri": iri,
        "title": title,
        "schemes": schemes,
        "toc": toc,
        "html": Markup(_anchor_local_names(content.render(), namespace)),
    }


def _text(labels: object) -> str:
    # pyLODE's table of contents holds a term's labels as a list of literals
    if isinstance(labels, list | tuple):
        return str(labels[0]) if labels else ""
    return str(labels)


_ENTITY = re.compile(r'<div class="property entity" id="([^"]+)">(.{0,600}?)<code>([^<]+)</code>', re.S)


def _anchor_local_names(html: str, namespace: str) -> str:
    """pyLODE names some anchors after labels (``countryorterritory``); add the term's local name as an
    anchor too, so that ``…/ontology#Country`` lands on its entry."""
    taken = set(re.findall(r'id="([^"]+)"', html))

    def add(match: re.Match[str]) -> str:
        anchor, iri = match.group(1), match.group(3).strip()
        local = iri[len(namespace) :] if iri.startswith(namespace) else None
        if not local or local == anchor or local in taken or not re.fullmatch(r"[A-Za-z_][\w-]*", local):
            return match.group(0)
        taken.add(local)
        return f'<span id="{local}"></span>' + match.group(0)

    return _ENTITY.sub(add, html)
