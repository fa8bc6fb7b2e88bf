"""HTML pages for people: home, ISCM, State, organization, theme and region pages, lists, search, the
source texts and a generic page for any other IRI. Content comes from SPARQL run natively through the
app's backend (linked_data.select); templates share one layout (templates/base.html) and need no script.
"""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Any
from urllib.parse import urlsplit

from flask import Blueprint, Response, abort, render_template, request
from markupsafe import Markup, escape

from .downloads import build_info
from .linked_data import base_iri, data_href, exists, not_found_response, page_href, select

bp = Blueprint("pages", __name__)

Row = dict[str, dict[str, str]]

NS = {
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "org": "http://www.w3.org/ns/org#",
    "prov": "http://www.w3.org/ns/prov#",
    "dct": "http://purl.org/dc/terms/",
    "owl": "http://www.w3.org/2002/07/owl#",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}
ISCM_TYPES = ("RegionalConsultativeProcess", "InterregionalForum", "GlobalProcess", "ISCM")
TYPE_NAMES = {
    "RegionalConsultativeProcess": "Regional consultative process (RCP)",
    "InterregionalForum": "Interregional forum (IRF)",
    "GlobalProcess": "Global process",
    "ISCM": "ISCM",
    "MigrationDialogue": "Other mechanism or dialogue",
}
KIND_NAMES = {
    "mechanism": "Mechanism",
    "state": "State or territory",
    "organization": "Organization",
    "theme": "Theme",
    "region": "Region",
    "m49": "UN M49 region",
    "role": "Role",
    "document": "Source document",
    "membership": "Membership",
    "group": "Group of States",
}


def prologue() -> str:
    base = base_iri()
    lines = [f"PREFIX {k}: <{v}>" for k, v in NS.items()]
    lines.append(f"PREFIX iscm: <{base}ontology#>")
    return "\n".join(lines) + "\n"


def q(query: str) -> list[Row]:
    """A SELECT with the usual prefixes."""
    return select(prologue() + query)


def val(row: Row, name: str) -> str | None:
    term = row.get(name)
    return term["value"] if term else None


def iri_ref(iri: str) -> str:
    if any(c in iri for c in '<>"{}|\\^` \n'):
        raise ValueError(f"not an IRI: {iri!r}")
    return f"<{iri}>"


def sparql_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ").replace("\r", " ") + '"'


# --- labels --------------------------------------------------------------------------------------------


def short(iri: str) -> str:
    """A readable fallback name for an IRI: a prefixed name or its last segment."""
    base = base_iri()
    if iri.startswith(base + "ontology#"):
        return "iscm:" + iri.split("#", 1)[1]
    for prefix, ns in NS.items():
        if iri.startswith(ns):
            return f"{prefix}:{iri[len(ns) :]}"
    if iri.startswith(base):
        return iri[len(base) :]
    return iri


def labels(iris: set[str] | list[str]) -> dict[str, str]:
    """The best label of each IRI: skos:prefLabel, else rdfs:label, else an acronym (English first)."""
    wanted = sorted({i for i in iris if i})
    found: dict[str, str] = {}
    for start in range(0, len(wanted), 400):
        chunk = wanted[start : start + 400]
        values = " ".join(iri_ref(i) for i in chunk)
        rows = q(
            # Every candidate, chosen here: Oxigraph's MIN gives nothing when a group has unbound values.
            f"""SELECT ?x ?k ?l WHERE {{
  VALUES ?x {{ {values} }}
  {{ ?x skos:prefLabel ?l BIND(1 AS ?k) }} UNION {{ ?x rdfs:label ?l BIND(2 AS ?k) }}
  UNION {{ ?x iscm:acronym ?l BIND(3 AS ?k) }}
  FILTER(LANGMATCHES(LANG(?l), "en") || LANG(?l) = "")
}}"""
        )
        best: dict[str, tuple[int, str]] = {}
        for row in rows:
            candidate = (int(val(row, "k") or 9), val(row, "l") or "")
            iri = val(row, "x") or ""
            if candidate[1] and (iri not in best or candidate < best[iri]):
                best[iri] = candidate
        found.update({iri: label for iri, (_k, label) in best.items()})
    return found


def kind_of(iri: str) -> str | None:
    """The kind of a thing from its IRI: ``{base}id/{kind}/{key}``."""
    base = base_iri() + "id/"
    if not iri.startswith(base):
        return None
    return iri[len(base) :].split("/", 1)[0]


# --- provenance ----------------------------------------------------------------------------------------

# Columns every fact query binds for its source: ?loc ?doc ?line ?section ?srcurl.
SOURCE_PATTERN = """
  OPTIONAL {{ {node} prov:wasDerivedFrom ?loc .
    OPTIONAL {{ ?loc dct:isPartOf ?doc }} OPTIONAL {{ ?loc iscm:line ?line }}
    OPTIONAL {{ ?loc iscm:section ?section }} OPTIONAL {{ ?loc dct:source ?srcurl }} }}"""


def source_pattern(node: str) -> str:
    return SOURCE_PATTERN.format(node=node)


def source_key(row: Row) -> tuple[str, ...]:
    return tuple(val(row, k) or "" for k in ("loc", "doc", "line", "section", "srcurl"))


# --- facts about one IRI, with their sources ------------------------------------------------------------


def facts(iri: str) -> list[dict[str, Any]]:
    """Every triple with ``iri`` as subject, grouped by property, each value with its sources."""
    rows = q(
        f"""SELECT ?p ?o ?g ?loc ?doc ?line ?section ?srcurl WHERE {{
  GRAPH ?g {{ {iri_ref(iri)} ?p ?o }}
  {source_pattern("?g")}
}}"""
    )
    grouped: dict[str, dict[str, dict[str, Any]]] = defaultdict(dict)
    for row in rows:
        prop = val(row, "p") or ""
        obj = row["o"]
        key = obj["type"] + obj["value"] + obj.get("xml:lang", "") + obj.get("datatype", "")
        entry = grouped[prop].setdefault(key, {"term": obj, "sources": {}})
        if row.get("loc") or row.get("g"):
            entry["sources"][source_key(row)] = row
    return [
        {
            "property": prop,
            "values": sorted(values.values(), key=lambda e: str(e["term"]["value"]).lower()),
        }
        for prop, values in grouped.items()
    ]


def incoming(iri: str, limit: int = 500) -> list[Row]:
    return q(f"SELECT ?s ?p WHERE {{ ?s ?p {iri_ref(iri)} }} ORDER BY ?p ?s LIMIT {int(limit)}")


def order_facts(groups: list[dict[str, Any]], order: list[str]) -> list[dict[str, Any]]:
    rank = {p: i for i, p in enumerate(order)}
    return sorted(groups, key=lambda g: (rank.get(g["property"], len(rank)), g["property"]))


def collect_iris(groups: list[dict[str, Any]]) -> set[str]:
    out = set()
    for group in groups:
        out.add(group["property"])
        for entry in group["values"]:
            if entry["term"]["type"] == "uri":
                out.add(entry["term"]["value"])
            for src in entry["sources"].values():
                for name in ("doc", "loc"):
                    if src.get(name):
                        out.add(src[name]["value"])
    return out


# --- memberships ---------------------------------------------------------------------------------------


def memberships(subject: str, side: str) -> list[dict[str, Any]]:
    """Membership nodes of a mechanism (side="organization") or of a party (side="member")."""
    other = "member" if side == "organization" else "organization"
    rows = q(
        f"""SELECT ?ms ?party ?role ?asof ?conf ?qual ?comment ?iso3 ?loc ?doc ?line ?section ?srcurl WHERE {{
  ?ms org:{side} {iri_ref(subject)} ; org:{other} ?party ; org:role ?role .
  OPTIONAL {{ ?ms iscm:asOf ?asof }} OPTIONAL {{ ?ms iscm:confidence ?conf }}
  OPTIONAL {{ ?ms iscm:qualifier ?qual }} OPTIONAL {{ ?ms rdfs:comment ?comment }}
  OPTIONAL {{ ?party iscm:iso3166Alpha3 ?iso3 }}
  {source_pattern("?ms")}
}}"""
    )
    nodes: dict[str, dict[str, Any]] = {}
    for row in rows:
        node = nodes.setdefault(
            val(row, "ms") or "",
            {
                "iri": val(row, "ms"),
                "party": val(row, "party"),
                "role": val(row, "role"),
                "as_of": val(row, "asof"),
                "confidence": val(row, "conf"),
                "qualifier": val(row, "qual"),
                "comment": val(row, "comment"),
                "code": val(row, "iso3"),
                "sources": {},
            },
        )
        if row.get("loc"):
            node["sources"][source_key(row)] = row
    return list(nodes.values())


ROLE_ORDER = ["member", "observer", "partner", "participant", "chair", "co-chair", "secretariat", "former-member"]


def group_by_role(items: list[dict[str, Any]], names: dict[str, str]) -> list[dict[str, Any]]:
    """Memberships grouped by role (members, observers, partners first), sorted by party name."""
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for item in items:
        groups[item["role"]].append(item)

    def rank(role: str) -> tuple[int, str]:
        key = role.rstrip("/").rsplit("/", 1)[-1]
        return (ROLE_ORDER.index(key) if key in ROLE_ORDER else len(ROLE_ORDER), names.get(role, key))

    out = []
    for role in sorted(groups, key=rank):
        rows = sorted(
            groups[role], key=lambda m: (names.get(m["party"] or "", short(m["party"] or "")).lower(), m["iri"] or "")
        )
        parties = {m["party"] for m in rows}
        out.append({"role": role, "items": rows, "parties": len(parties)})
    return out


# --- template helpers ----------------------------------------------------------------------------------


@bp.record_once
def _template_functions(state: Any) -> None:
    # Globals, not a context processor: macros imported without context see them too.
    state.app.jinja_env.globals.update(
        href=page_href, data_href=data_href, short=short, source_href=source_href, doc_label=doc_label
    )


@bp.app_context_processor
def _template_globals() -> dict[str, Any]:
    info = build_info()
    return {
        "base": base_iri(),
        "site": {
            "dataset_version": info.get("dataset_version"),
            "built_at": info.get("built_at"),
            "conforms": info.get("conforms"),
        },
    }


@bp.app_template_filter("multiline")
def _multiline(text: str) -> Markup:
    if "\n" not in str(text):
        return escape(text)
    return Markup('<span class="multiline">') + escape(text) + Markup("</span>")


@bp.app_template_filter("host")
def _host(url: str) -> str:
    parts = urlsplit(url)
    return (parts.netloc + parts.path)[:60] or url


@bp.app_template_filter("filesize")
def _filesize(size: int) -> str:
    value = float(size)
    for unit in ("bytes", "KB", "MB", "GB"):
        if value < 1000 or unit == "GB":
            return f"{int(value)} {unit}" if unit == "bytes" else f"{value:.1f} {unit}"
        value /= 1000
    return f"{size} bytes"


def doc_label(row: Row) -> str:
    doc = val(row, "doc") or ""
    key = doc.rstrip("/").rsplit("/", 1)[-1]
    return {"report": "Assessment report"}.get(key, key.replace("-", " "))


def source_href(row: Row) -> str:
    """Where a source is shown: the cited line of the text copy, or the locator's page."""
    doc, line = val(row, "doc"), val(row, "line")
    if doc and line and doc.startswith(base_iri() + "id/document/"):
        return f"/source/{doc.rsplit('/', 1)[-1]}#L{line}"
    loc = val(row, "loc")
    return page_href(loc) if loc else "#"


def render(template: str, **context: Any) -> Response:
    return Response(render_template(template, **context), content_type="text/html; charset=utf-8")


# --- home and lists ------------------------------------------------------------------------------------


def count(query: str) -> int:
    rows = q(query)
    return int(val(rows[0], "n") or 0) if rows else 0


@bp.route("/")
def home() -> Response:
    counts = {
        "ISCMs": count(
            "SELECT (COUNT(DISTINCT ?m) AS ?n) WHERE { ?m a ?t VALUES ?t { "
            + " ".join(f"iscm:{t}" for t in ISCM_TYPES)
            + " } }"
        ),
        "States": count("SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a iscm:State }"),
        "Territories": count("SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a iscm:Territory }"),
        "Organizations": count("SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a iscm:Organization }"),
        "Memberships and roles": count("SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a org:Membership }"),
        "Themes": count(f"SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ ?s skos:inScheme <{base_iri()}id/theme/> }}"),
    }
    mechanisms = mechanism_list()
    annex2 = [m for m in mechanisms if m["annex2"] is not None]
    return render(
        "home.html",
        counts=counts,
        info=build_info(),
        annex2=sorted(annex2, key=lambda m: m["annex2"]),
        queries=_queries_preview(),
    )


def _queries_preview() -> list[Any]:
    from .query_api import query_files

    return [qf for qf in query_files().values() if not qf.name.startswith("network-")][:8]


def mechanism_list() -> list[dict[str, Any]]:
    rows = q(
        """SELECT ?m ?t ?no ?year ?declared ?listed ?status WHERE {
  ?m a ?t VALUES ?t { iscm:RegionalConsultativeProcess iscm:InterregionalForum iscm:GlobalProcess iscm:ISCM
                      iscm:MigrationDialogue }
  OPTIONAL { ?m iscm:annex2Number ?no } OPTIONAL { ?m iscm:yearEstablished ?year }
  OPTIONAL { ?m iscm:declaredMemberCount ?declared } OPTIONAL { ?m iscm:listedMemberCount ?listed }
  OPTIONAL { ?m iscm:status ?status }
}"""
    )
    found: dict[str, dict[str, Any]] = {}
    for row in rows:
        iri = val(row, "m") or ""
        kind = (val(row, "t") or "").rsplit("#", 1)[-1]
        entry = found.setdefault(
            iri,
            {
                "iri": iri,
                "type": kind,
                "annex2": int(val(row, "no")) if val(row, "no") else None,
                "year": val(row, "year"),
                "declared": val(row, "declared"),
                "listed": val(row, "listed"),
                "status": val(row, "status"),
            },
        )
        # The most specific type wins (a process typed both ISCM and RCP is an RCP).
        if TYPE_ORDER.get(kind, 9) < TYPE_ORDER.get(entry["type"], 9):
            entry["type"] = kind
    names = labels(set(found) | {m["status"] for m in found.values() if m["status"]})
    acronyms = _acronyms(list(found))
    for entry in found.values():
        entry["label"] = names.get(entry["iri"], short(entry["iri"]))
        entry["acronym"] = acronyms.get(entry["iri"])
        entry["type_name"] = TYPE_NAMES.get(entry["type"], entry["type"])
        entry["status_label"] = names.get(entry["status"] or "", "")
    return sorted(found.values(), key=lambda m: m["label"].lower())


TYPE_ORDER = {
    "RegionalConsultativeProcess": 0,
    "InterregionalForum": 0,
    "GlobalProcess": 0,
    "ISCM": 1,
    "MigrationDialogue": 2,
}


def _acronyms(iris: list[str]) -> dict[str, str]:
    if not iris:
        return {}
    values = " ".join(iri_ref(i) for i in iris)
    rows = q(
        f'SELECT ?x (GROUP_CONCAT(DISTINCT ?a; separator=", ") AS ?acr) WHERE {{ VALUES ?x {{ {values} }} '
        "?x iscm:acronym ?a } GROUP BY ?x"
    )
    return {val(r, "x") or "": val(r, "acr") or "" for r in rows}


@bp.route("/mechanisms")
def mechanisms() -> Response:
    items = mechanism_list()
    iscms = [m for m in items if m["type"] != "MigrationDialogue"]
    others = [m for m in items if m["type"] == "MigrationDialogue"]
    return render("mechanisms.html", iscms=iscms, others=others, nav="mechanisms")


@bp.route("/states")
def states() -> Response:
    rows = q(
        """SELECT ?s ?iso3 ?region (COUNT(DISTINCT ?m) AS ?n) WHERE {
  ?s a ?t VALUES ?t { iscm:State iscm:Territory }
  OPTIONAL { ?s iscm:iso3166Alpha3 ?iso3 } OPTIONAL { ?s iscm:m49Region ?region }
  OPTIONAL { ?s iscm:memberOf ?m }
} GROUP BY ?s ?iso3 ?region"""
    )
    names = labels({val(r, "s") or "" for r in rows} | {val(r, "region") or "" for r in rows})
    items = sorted(
        (
            {
                "iri": val(r, "s"),
                "label": names.get(val(r, "s") or "", short(val(r, "s") or "")),
                "iso3": val(r, "iso3"),
                "region": val(r, "region"),
                "region_label": names.get(val(r, "region") or "", ""),
                "count": int(val(r, "n") or 0),
            }
            for r in rows
        ),
        key=lambda s: s["label"].lower(),
    )
    return render("states.html", states=items, nav="states")


@bp.route("/organizations")
def organizations() -> Response:
    rows = q(
        """SELECT ?o ?kind (COUNT(DISTINCT ?m) AS ?n) WHERE {
  ?o a iscm:Organization
  OPTIONAL { ?o org:classification ?kind }
  OPTIONAL { ?ms org:member ?o ; org:organization ?m }
} GROUP BY ?o ?kind"""
    )
    iris = {val(r, "o") or "" for r in rows}
    names = labels(iris | {val(r, "kind") or "" for r in rows})
    acronyms = _acronyms(sorted(iris))
    items = sorted(
        (
            {
                "iri": val(r, "o"),
                "label": names.get(val(r, "o") or "", short(val(r, "o") or "")),
                "acronym": acronyms.get(val(r, "o") or ""),
                "kind": val(r, "kind"),
                "kind_label": names.get(val(r, "kind") or "", ""),
                "count": int(val(r, "n") or 0),
            }
            for r in rows
        ),
        key=lambda s: s["label"].lower(),
    )
    return render("organizations.html", organizations=items, nav="organizations")


@bp.route("/themes")
def themes() -> Response:
    rows = q(
        f"""SELECT ?t (COUNT(DISTINCT ?m) AS ?n) WHERE {{
  ?t skos:inScheme <{base_iri()}id/theme/> OPTIONAL {{ ?m iscm:thematicFocus ?t }}
}} GROUP BY ?t"""
    )
    names = labels({val(r, "t") or "" for r in rows})
    items = sorted(
        ({"iri": val(r, "t"), "label": names.get(val(r, "t") or "", ""), "count": int(val(r, "n") or 0)} for r in rows),
        key=lambda t: (-t["count"], t["label"].lower()),
    )
    return render("themes.html", themes=items, nav="themes")


@bp.route("/regions")
def regions() -> Response:
    base = base_iri()
    rows = q(
        f"""SELECT ?r ?scheme (COUNT(DISTINCT ?m) AS ?n) (COUNT(DISTINCT ?s) AS ?states) WHERE {{
  VALUES ?scheme {{ <{base}id/region/> <{base}id/m49/> }}
  ?r skos:inScheme ?scheme
  OPTIONAL {{ ?m iscm:coversRegion ?r }}
  OPTIONAL {{ ?s iscm:m49Region|iscm:m49SubRegion ?r }}
}} GROUP BY ?r ?scheme"""
    )
    names = labels({val(r, "r") or "" for r in rows})
    items = [
        {
            "iri": val(r, "r"),
            "scheme": val(r, "scheme"),
            "label": names.get(val(r, "r") or "", short(val(r, "r") or "")),
            "count": int(val(r, "n") or 0),
            "states": int(val(r, "states") or 0),
        }
        for r in rows
    ]
    annex2 = sorted((r for r in items if r["scheme"] == f"{base}id/region/"), key=lambda r: r["label"].lower())
    m49 = sorted((r for r in items if r["scheme"] == f"{base}id/m49/"), key=lambda r: r["label"].lower())
    return render("regions.html", annex2=annex2, m49=m49, nav="regions")


# --- search --------------------------------------------------------------------------------------------

SEARCH_KINDS = ("mechanism", "state", "organization", "theme", "region", "m49", "role", "document", "group")


@bp.route("/search")
def search() -> Response:
    text = (request.args.get("q") or "").strip()[:100]
    results: list[dict[str, Any]] = []
    if text:
        base = base_iri()
        kinds = " || ".join(f'STRSTARTS(STR(?x), "{base}id/{k}/")' for k in SEARCH_KINDS)
        rows = q(
            f"""SELECT DISTINCT ?x ?name WHERE {{
  VALUES ?p {{ skos:prefLabel skos:altLabel skos:hiddenLabel iscm:acronym rdfs:label skos:notation
              iscm:iso3166Alpha3 iscm:iso3166Alpha2 }}
  ?x ?p ?name .
  FILTER(isIRI(?x) && ({kinds}))
  FILTER(CONTAINS(LCASE(STR(?name)), LCASE({sparql_string(text)})))
}} LIMIT 2000"""
        )
        needle = text.lower()
        found: dict[str, dict[str, Any]] = {}
        for row in rows:
            iri, name = val(row, "x") or "", val(row, "name") or ""
            entry = found.setdefault(iri, {"iri": iri, "matches": set(), "score": 3})
            entry["matches"].add(name)
            lowered = name.lower()
            score = 0 if lowered == needle else 1 if lowered.startswith(needle) else 2
            entry["score"] = min(entry["score"], score)
        names = labels(set(found))
        for entry in found.values():
            kind = kind_of(entry["iri"]) or ""
            entry["label"] = names.get(entry["iri"], short(entry["iri"]))
            entry["kind"] = KIND_NAMES.get(kind, kind)
            entry["matches"] = sorted(entry["matches"] - {entry["label"]})
            entry["rank"] = (
                entry["score"],
                SEARCH_KINDS.index(kind) if kind in SEARCH_KINDS else 99,
                entry["label"].lower(),
            )
        results = sorted(found.values(), key=lambda e: e["rank"])[:200]
    return render("search.html", search_query=text, results=results)


# --- pages of things -----------------------------------------------------------------------------------


@bp.route("/page/<path:path>")
def page(path: str) -> Response:
    if not path.startswith(("id/", "graph/")):
        return not_found_response(message=f"/page/{path} is not a page of this site")
    iri = base_iri() + path
    if not exists(iri):
        return not_found_response(iri)
    kind = kind_of(iri)
    if kind == "mechanism":
        return mechanism_page(iri)
    if kind == "state":
        return state_page(iri)
    if kind in ("organization", "theme", "region", "m49", "group"):
        return party_or_concept_page(iri, kind)
    return resource_page(iri)


MECHANISM_ORDER = [
    "skos:prefLabel",
    "iscm:acronym",
    "skos:altLabel",
    "skos:hiddenLabel",
    "rdf:type",
    "iscm:annex2Number",
    "iscm:status",
    "iscm:yearEstablished",
    "iscm:establishmentNote",
    "iscm:declaredMemberCount",
    "iscm:listedMemberCount",
    "iscm:coversRegion",
    "iscm:regionsText",
    "iscm:chairText",
    "iscm:secretariatText",
    "iscm:associatedOrganizationsText",
    "iscm:iomRoleText",
    "iscm:successorOf",
    "dct:description",
    "rdfs:comment",
]
# Shown in their own sections of the ISCM page, not in the fact sheet.
MECHANISM_SECTIONS = {
    "thematicFocus",
    "cooperatesWith",
    "overlapsWith",
    "hasStructure",
    "hasFunding",
    "hasContribution",
    "memberOf",
    "observerOf",
    "partnerOf",
    "participantIn",
}


def _expand(names: list[str]) -> list[str]:
    out = []
    for name in names:
        prefix, local = name.split(":", 1)
        out.append((base_iri() + "ontology#" if prefix == "iscm" else NS[prefix]) + local)
    return out


def related_nodes(iri: str) -> dict[str, list[dict[str, Any]]]:
    """Structures, funding, contributions, cooperations, overlaps, statements and discrepancies of a
    mechanism, each with its kind, description, quote, sources and the other parties."""
    ref = iri_ref(iri)
    rows = q(
        f"""SELECT ?node ?type ?kind ?label ?desc ?quote ?other ?loc ?doc ?line ?section ?srcurl WHERE {{
  {{ {ref} iscm:hasStructure|iscm:hasFunding|iscm:hasContribution ?node }}
  UNION {{ ?node iscm:about {ref} }}
  UNION {{ ?node iscm:cooperationParty {ref}
           OPTIONAL {{ ?node iscm:cooperationParty ?other FILTER(?other != {ref}) }} }}
  UNION {{ ?node iscm:overlapParty {ref} OPTIONAL {{ ?node iscm:overlapParty ?other FILTER(?other != {ref}) }} }}
  ?node a ?type .
  OPTIONAL {{ ?node iscm:structureKind|iscm:fundingKind|iscm:governanceLevel|iscm:cooperationKind|iscm:topic ?kind }}
  OPTIONAL {{ ?node rdfs:label ?label }} OPTIONAL {{ ?node dct:description ?desc }}
  OPTIONAL {{ ?node iscm:quote ?quote }}
  {source_pattern("?node")}
}}"""
    )
    nodes: dict[str, dict[str, Any]] = {}
    for row in rows:
        node = nodes.setdefault(
            val(row, "node") or "",
            {
                "iri": val(row, "node"),
                "type": (val(row, "type") or "").rsplit("#", 1)[-1],
                "kind": val(row, "kind"),
                "label": val(row, "label"),
                "description": val(row, "desc"),
                "quote": val(row, "quote"),
                "others": set(),
                "sources": {},
            },
        )
        if val(row, "other"):
            node["others"].add(val(row, "other"))
        if row.get("loc"):
            node["sources"][source_key(row)] = row
    out: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for node in nodes.values():
        node["others"] = sorted(node["others"])
        out[node["type"]].append(node)
    for items in out.values():
        items.sort(key=lambda n: (n["kind"] or "", n["label"] or ""))
    return out


def mechanism_page(iri: str) -> Response:
    ref = iri_ref(iri)
    groups = facts(iri)
    sections = {
        g["property"].rsplit("#", 1)[-1]: g for g in groups if g["property"].startswith(base_iri() + "ontology#")
    }
    fact_sheet = order_facts(
        [
            g
            for g in groups
            if not (
                g["property"].startswith(base_iri() + "ontology#")
                and g["property"].rsplit("#", 1)[-1] in MECHANISM_SECTIONS
            )
        ],
        _expand(MECHANISM_ORDER),
    )
    members = memberships(iri, "organization")
    related = related_nodes(iri)
    shared = q(
        f"""SELECT ?other (COUNT(DISTINCT ?p) AS ?n) WHERE {{
  ?p iscm:memberOf {ref} . ?p iscm:memberOf ?other . FILTER(?other != {ref})
}} GROUP BY ?other ORDER BY DESC(?n) ?other LIMIT 10"""
    )
    sizes = q(
        f"""SELECT ?m (COUNT(DISTINCT ?p) AS ?n) WHERE {{
  VALUES ?m {{ {ref} {" ".join(iri_ref(val(r, "other") or "") for r in shared)} }} ?p iscm:memberOf ?m
}} GROUP BY ?m"""
    )
    size = {val(r, "m"): int(val(r, "n") or 0) for r in sizes}
    summary = q(
        f"""SELECT ?s ?n ?title ?text ?doc WHERE {{
  ?s iscm:summarizes {ref} ; iscm:sectionNumber ?n .
  OPTIONAL {{ ?s dct:title ?title }} OPTIONAL {{ ?s iscm:text ?text }} OPTIONAL {{ ?s dct:isPartOf ?doc }}
}} ORDER BY ?n"""
    )
    iris = collect_iris(groups) | {iri}
    iris |= (
        {m["party"] for m in members}
        | {m["role"] for m in members}
        | {m["confidence"] for m in members if m["confidence"]}
    )
    iris |= {val(r, "other") or "" for r in shared}
    for items in related.values():
        for node in items:
            iris |= set(node["others"]) | {node["kind"] or ""}
    iris |= {val(r, "doc") or "" for r in summary}
    names = labels(iris)
    return render(
        "mechanism.html",
        iri=iri,
        name=names.get(iri, short(iri)),
        names=names,
        fact_sheet=fact_sheet,
        themes=sections.get("thematicFocus"),
        cooperates=sections.get("cooperatesWith"),
        overlaps=sections.get("overlapsWith"),
        roles=group_by_role(members, names),
        related=related,
        shared=[
            {"iri": val(r, "other"), "count": int(val(r, "n") or 0), "size": size.get(val(r, "other"), 0)}
            for r in shared
        ],
        own_size=size.get(iri, 0),
        summary=summary,
        nav="mechanisms",
    )


STATE_ORDER = [
    "skos:prefLabel",
    "rdfs:label",
    "rdf:type",
    "iscm:iso3166Alpha3",
    "iscm:iso3166Alpha2",
    "iscm:iso3166Numeric",
    "iscm:m49Code",
    "iscm:m49Region",
    "iscm:m49SubRegion",
    "skos:exactMatch",
    "iscm:latitude",
    "iscm:longitude",
]
PARTY_SECTIONS = {
    "memberOf",
    "observerOf",
    "partnerOf",
    "participantIn",
    "formerMemberOf",
    "chairOf",
    "secretariatOf",
    "associatedWith",
    "supports",
    "tookPartIn",
}


def _without_shortcuts(groups: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Facts minus the role shortcuts (the memberships table shows them with their details)."""
    ns = base_iri() + "ontology#"
    return [g for g in groups if not (g["property"].startswith(ns) and g["property"][len(ns) :] in PARTY_SECTIONS)]


def state_page(iri: str) -> Response:
    ref = iri_ref(iri)
    groups = _without_shortcuts(facts(iri))
    roles = memberships(iri, "member")
    shared = q(
        f"""SELECT ?other (COUNT(DISTINCT ?m) AS ?n) WHERE {{
  {ref} iscm:memberOf ?m . ?other iscm:memberOf ?m .
  FILTER(?other != {ref} && STRSTARTS(STR(?other), "{base_iri()}id/state/"))
}} GROUP BY ?other ORDER BY DESC(?n) ?other LIMIT 15"""
    )
    survey = q(f"SELECT DISTINCT ?event WHERE {{ {ref} iscm:tookPartIn ?event }}")
    iris = collect_iris(groups) | {iri} | {m["party"] for m in roles} | {m["role"] for m in roles}
    iris |= {m["confidence"] for m in roles if m["confidence"]} | {val(r, "other") or "" for r in shared}
    iris |= {val(r, "event") or "" for r in survey}
    names = labels(iris)
    by_mechanism = _roles_by_mechanism(roles, names)
    return render(
        "state.html",
        iri=iri,
        name=names.get(iri, short(iri)),
        names=names,
        fact_sheet=order_facts(groups, _expand(STATE_ORDER)),
        roles=group_by_role(roles, names),
        by_mechanism=by_mechanism,
        shared=[{"iri": val(r, "other"), "count": int(val(r, "n") or 0)} for r in shared],
        survey=[val(r, "event") for r in survey],
        nav="states",
    )


def _roles_by_mechanism(roles: list[dict[str, Any]], names: dict[str, str]) -> list[dict[str, Any]]:
    """One line per mechanism: the roles the party holds in it."""
    found: dict[str, set[str]] = defaultdict(set)
    for item in roles:
        found[item["party"]].add(names.get(item["role"], short(item["role"])))
    return sorted(
        ({"iri": m, "roles": sorted(r)} for m, r in found.items()),
        key=lambda e: names.get(e["iri"], short(e["iri"])).lower(),
    )


def party_or_concept_page(iri: str, kind: str) -> Response:
    ref = iri_ref(iri)
    groups = _without_shortcuts(facts(iri))
    roles = memberships(iri, "member") if kind in ("organization", "group") else []
    mechanisms_rows: list[Row] = []
    heading = ""
    if kind == "theme":
        heading = "ISCMs with this thematic focus"
        mechanisms_rows = q(f"SELECT DISTINCT ?m WHERE {{ ?m iscm:thematicFocus {ref} }}")
    elif kind == "region":
        heading = "ISCMs covering this region (Annex 2)"
        mechanisms_rows = q(f"SELECT DISTINCT ?m WHERE {{ ?m iscm:coversRegion {ref} }}")
    states_rows: list[Row] = []
    if kind == "m49":
        states_rows = q(f"SELECT DISTINCT ?m WHERE {{ ?m iscm:m49Region|iscm:m49SubRegion {ref} }}")
    links = incoming(iri, 300) if kind in ("organization", "group") else []
    links = [r for r in links if not _is_membership_link(r)]
    iris = collect_iris(groups) | {iri} | {m["party"] for m in roles} | {m["role"] for m in roles}
    iris |= {m["confidence"] for m in roles if m["confidence"]}
    iris |= {val(r, "m") or "" for r in mechanisms_rows + states_rows}
    iris |= {val(r, "s") or "" for r in links} | {val(r, "p") or "" for r in links}
    names = labels(iris)
    listed = sorted((val(r, "m") or "" for r in mechanisms_rows), key=lambda i: names.get(i, i).lower())
    states_list = sorted((val(r, "m") or "" for r in states_rows), key=lambda i: names.get(i, i).lower())
    return render(
        "concept.html",
        iri=iri,
        kind=KIND_NAMES.get(kind, kind),
        name=names.get(iri, short(iri)),
        names=names,
        fact_sheet=order_facts(groups, _expand(["skos:prefLabel", "iscm:acronym", "skos:altLabel", "rdf:type"])),
        roles=group_by_role(roles, names),
        by_mechanism=_roles_by_mechanism(roles, names),
        heading=heading,
        mechanisms=listed,
        states=states_list,
        links=links,
        nav={"organization": "organizations", "theme": "themes", "region": "regions", "m49": "regions"}.get(kind),
    )


def _is_membership_link(row: Row) -> bool:
    return (val(row, "p") or "") == NS["org"] + "member"


def resource_page(iri: str) -> Response:
    groups = facts(iri)
    links = incoming(iri)
    graph_rows: list[Row] = []
    if iri.startswith(base_iri() + "graph/"):
        graph_rows = q(f"SELECT ?s ?p ?o WHERE {{ GRAPH {iri_ref(iri)} {{ ?s ?p ?o }} }} ORDER BY ?s ?p ?o LIMIT 1000")
    iris = collect_iris(groups) | {iri} | {val(r, "s") or "" for r in links} | {val(r, "p") or "" for r in links}
    for row in graph_rows:
        iris |= {val(row, "s") or "", val(row, "p") or ""}
        if row["o"]["type"] == "uri":
            iris.add(row["o"]["value"])
    names = labels(iris)
    kind = kind_of(iri)
    return render(
        "resource.html",
        iri=iri,
        kind=KIND_NAMES.get(kind or "", (kind or "named graph").replace("-", " ")),
        name=names.get(iri, short(iri)),
        names=names,
        fact_sheet=order_facts(groups, _expand(["skos:prefLabel", "rdfs:label", "rdf:type", "dct:title"])),
        links=links,
        graph_rows=graph_rows,
    )


# --- source texts --------------------------------------------------------------------------------------


@bp.route("/source/<key>")
def source_text(key: str) -> Response:
    """The text copy of a source document, one numbered line each, so that a cited line can be read."""
    if not re.fullmatch(r"[a-z0-9-]+", key):
        abort(404)
    iri = f"{base_iri()}id/document/{key}"
    rows = q(
        f"SELECT ?file ?title WHERE {{ {iri_ref(iri)} iscm:dataFile ?file "
        f"OPTIONAL {{ {iri_ref(iri)} dct:title ?title }} }}"
    )
    if not rows:
        return not_found_response(iri, f"no text copy of {key} is served")
    from iscm_kg.paths import DATA, ROOT

    path = (ROOT / (val(rows[0], "file") or "")).resolve()
    if not path.is_relative_to(DATA.resolve()) or not path.is_file():
        return not_found_response(iri, f"the text copy of {key} is not on this server")
    lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    return render(
        "source.html", iri=iri, key=key, title=val(rows[0], "title") or key, lines=lines, file=val(rows[0], "file")
    )


@bp.errorhandler(404)
def _not_found(_exc: Exception) -> Response:
    return not_found_response()
