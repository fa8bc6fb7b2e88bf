"""The SPARQL the pages run, in one place. Each function returns query text (the prologue with the usual
prefixes is added by ``common.q``); IRIs and strings go in only as terms checked and serialized by
pyoxigraph (``iri_term``, ``sparql_string``), so that they cannot change a query's structure."""

from __future__ import annotations

from collections.abc import Iterable

import pyoxigraph as ox

from ..sparql_text import iri_term

ISCM_TYPES = ("RegionalConsultativeProcess", "InterregionalForum", "GlobalProcess", "ISCM")


def sparql_string(text: str) -> str:
    """A SPARQL string literal of ``text``."""
    return str(ox.Literal(text))


def _values(iris: Iterable[str]) -> str:
    return " ".join(iri_term(i) for i in iris)


# --- labels and provenance -----------------------------------------------------------------------------


def labels_query(iris: Iterable[str]) -> str:
    """Every label candidate of ``iris`` with its rank ?k (1 prefLabel, 2 rdfs:label, 3 acronym)."""
    # Every candidate, chosen by the caller: Oxigraph's MIN gives nothing when a group has unbound values.
    return f"""SELECT ?x ?k ?l WHERE {{
  VALUES ?x {{ {_values(iris)} }}
  {{ ?x skos:prefLabel ?l BIND(1 AS ?k) }} UNION {{ ?x rdfs:label ?l BIND(2 AS ?k) }}
  UNION {{ ?x iscm:acronym ?l BIND(3 AS ?k) }}
  FILTER(LANGMATCHES(LANG(?l), "en") || LANG(?l) = "")
}}"""


def acronyms_query(iris: Iterable[str]) -> str:
    return (
        f'SELECT ?x (GROUP_CONCAT(DISTINCT ?a; separator=", ") AS ?acr) WHERE {{ VALUES ?x {{ {_values(iris)} }} '
        "?x iscm:acronym ?a } GROUP BY ?x"
    )


def source_pattern(node: str) -> str:
    """Binds the columns every fact query has for its source: ?loc ?doc ?line ?section ?srcurl."""
    return f"""
  OPTIONAL {{ {node} prov:wasDerivedFrom ?loc .
    OPTIONAL {{ ?loc dct:isPartOf ?doc }} OPTIONAL {{ ?loc iscm:line ?line }}
    OPTIONAL {{ ?loc iscm:section ?section }} OPTIONAL {{ ?loc dct:source ?srcurl }} }}"""


# --- one thing: its facts, links and memberships -------------------------------------------------------


def facts_query(iri: str) -> str:
    return f"""SELECT ?p ?o ?g ?loc ?doc ?line ?section ?srcurl WHERE {{
  GRAPH ?g {{ {iri_term(iri)} ?p ?o }}
  {source_pattern("?g")}
}}"""


def incoming_query(iri: str, limit: int) -> str:
    return f"SELECT ?s ?p WHERE {{ ?s ?p {iri_term(iri)} }} ORDER BY ?p ?s LIMIT {int(limit)}"


def memberships_query(subject: str, side: str) -> str:
    """Membership statements of a mechanism (side="organization") or of a party (side="member"), with the
    thing on the other side as ?party; confidence, qualifiers and notes come from their references."""
    other = "member" if side == "organization" else "organization"
    return f"""SELECT ?ms ?party ?role ?asof ?undated ?conf ?qual ?comment ?iso3 ?loc ?doc ?line ?section ?srcurl
WHERE {{
  ?ms org:{side} {iri_term(subject)} ; org:{other} ?party ; org:role ?role .
  OPTIONAL {{ ?ms iscm:asOf ?asof }}
  OPTIONAL {{ ?ms prov:qualifiedDerivation ?ref .
    OPTIONAL {{ ?ref iscm:confidence ?conf }} OPTIONAL {{ ?ref iscm:qualifier ?qual }}
    OPTIONAL {{ ?ref rdfs:comment ?comment }} OPTIONAL {{ ?ref iscm:undated ?undated }} }}
  OPTIONAL {{ ?party iscm:iso3166Alpha3 ?iso3 }}
  {source_pattern("?ms")}
}}"""


def graph_content_query(iri: str) -> str:
    return f"SELECT ?s ?p ?o WHERE {{ GRAPH {iri_term(iri)} {{ ?s ?p ?o }} }} ORDER BY ?s ?p ?o LIMIT 1000"


# --- home and lists ------------------------------------------------------------------------------------


def home_count_queries(base: str) -> dict[str, str]:
    """The home page's counts, by caption; each query binds ?n."""
    iscm_types = " ".join(f"iscm:{t}" for t in ISCM_TYPES)
    return {
        "ISCMs": "SELECT (COUNT(DISTINCT ?m) AS ?n) WHERE { ?m a ?t VALUES ?t { " + iscm_types + " } }",
        "States": "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a iscm:State }",
        "Territories": "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a iscm:Territory }",
        "Organizations": "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a iscm:Organization }",
        "Memberships and roles": "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a org:Membership }",
        "Themes": f"SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ ?s skos:inScheme <{base}id/theme/> }}",
    }


MECHANISM_LIST = """SELECT ?m ?t ?no ?year ?declared ?listed ?status WHERE {
  ?m a ?t VALUES ?t { iscm:RegionalConsultativeProcess iscm:InterregionalForum iscm:GlobalProcess iscm:ISCM
                      iscm:MigrationDialogue }
  OPTIONAL { ?m iscm:annex2Number ?no } OPTIONAL { ?m iscm:yearEstablished ?year }
  OPTIONAL { ?m iscm:declaredMemberCount ?declared } OPTIONAL { ?m iscm:listedMemberCount ?listed }
  OPTIONAL { ?m iscm:status ?status }
}"""

STATE_LIST = """SELECT ?s ?iso3 ?region (COUNT(DISTINCT ?m) AS ?n) WHERE {
  ?s a ?t VALUES ?t { iscm:State iscm:Territory }
  OPTIONAL { ?s iscm:iso3166Alpha3 ?iso3 } OPTIONAL { ?s iscm:m49Region ?region }
  OPTIONAL { ?s iscm:memberOf ?m }
} GROUP BY ?s ?iso3 ?region"""

ORGANIZATION_LIST = """SELECT ?o ?kind (COUNT(DISTINCT ?m) AS ?n) WHERE {
  ?o a iscm:Organization
  OPTIONAL { ?o org:classification ?kind }
  OPTIONAL { ?ms org:member ?o ; org:organization ?m }
} GROUP BY ?o ?kind"""


def theme_list_query(base: str) -> str:
    return f"""SELECT ?t (COUNT(DISTINCT ?m) AS ?n) WHERE {{
  ?t skos:inScheme <{base}id/theme/> OPTIONAL {{ ?m iscm:thematicFocus ?t }}
}} GROUP BY ?t"""


def region_list_query(base: str) -> str:
    return f"""SELECT ?r ?scheme (COUNT(DISTINCT ?m) AS ?n) (COUNT(DISTINCT ?s) AS ?states) WHERE {{
  VALUES ?scheme {{ <{base}id/region/> <{base}id/m49/> }}
  ?r skos:inScheme ?scheme
  OPTIONAL {{ ?m iscm:coversRegion ?r }}
  OPTIONAL {{ ?s iscm:m49Region|iscm:m49SubRegion ?r }}
}} GROUP BY ?r ?scheme"""


# --- search --------------------------------------------------------------------------------------------


def search_query(base: str, kinds: Iterable[str], text: str) -> str:
    """Things of ``kinds`` with a name or code containing ``text`` (any case)."""
    in_kinds = " || ".join(f'STRSTARTS(STR(?x), "{base}id/{k}/")' for k in kinds)
    return f"""SELECT DISTINCT ?x ?name WHERE {{
  VALUES ?p {{ skos:prefLabel skos:altLabel skos:hiddenLabel iscm:acronym rdfs:label skos:notation
              iscm:iso3166Alpha3 iscm:iso3166Alpha2 }}
  ?x ?p ?name .
  FILTER(isIRI(?x) && ({in_kinds}))
  FILTER(CONTAINS(LCASE(STR(?name)), LCASE({sparql_string(text)})))
}} LIMIT 2000"""


# --- mechanism page ------------------------------------------------------------------------------------


def related_nodes_query(iri: str) -> str:
    """Structures, funding, contributions, statements about it, cooperations and overlaps of a mechanism,
    with the other parties of cooperations and overlaps."""
    ref = iri_term(iri)
    return f"""SELECT ?node ?type ?kind ?label ?desc ?quote ?other ?loc ?doc ?line ?section ?srcurl WHERE {{
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


def shared_members_query(iri: str) -> str:
    """The 10 mechanisms sharing the most members with ``iri`` (?other, ?n)."""
    ref = iri_term(iri)
    return f"""SELECT ?other (COUNT(DISTINCT ?p) AS ?n) WHERE {{
  ?p iscm:memberOf {ref} . ?p iscm:memberOf ?other . FILTER(?other != {ref})
}} GROUP BY ?other ORDER BY DESC(?n) ?other LIMIT 10"""


def member_counts_query(iri: str, others: Iterable[str]) -> str:
    """Members of ``iri`` and of each of ``others``."""
    return f"""SELECT ?m (COUNT(DISTINCT ?p) AS ?n) WHERE {{
  VALUES ?m {{ {iri_term(iri)} {_values(others)} }} ?p iscm:memberOf ?m
}} GROUP BY ?m"""


def summary_query(iri: str) -> str:
    """The sections of the one-page summary of a mechanism, in order."""
    return f"""SELECT ?s ?n ?title ?text ?doc WHERE {{
  ?s iscm:summarizes {iri_term(iri)} ; iscm:sectionNumber ?n .
  OPTIONAL {{ ?s dct:title ?title }} OPTIONAL {{ ?s iscm:text ?text }} OPTIONAL {{ ?s dct:isPartOf ?doc }}
}} ORDER BY ?n"""


# --- State page ----------------------------------------------------------------------------------------


def shared_states_query(iri: str, base: str) -> str:
    """The 15 States sharing the most ISCMs with ``iri`` (?other, ?n)."""
    ref = iri_term(iri)
    return f"""SELECT ?other (COUNT(DISTINCT ?m) AS ?n) WHERE {{
  {ref} iscm:memberOf ?m . ?other iscm:memberOf ?m .
  FILTER(?other != {ref} && STRSTARTS(STR(?other), "{base}id/state/"))
}} GROUP BY ?other ORDER BY DESC(?n) ?other LIMIT 15"""


def survey_query(iri: str) -> str:
    return f"SELECT DISTINCT ?event WHERE {{ {iri_term(iri)} iscm:tookPartIn ?event }}"


# --- theme, region and M49 pages -----------------------------------------------------------------------


def theme_mechanisms_query(iri: str) -> str:
    return f"SELECT DISTINCT ?m WHERE {{ ?m iscm:thematicFocus {iri_term(iri)} }}"


def region_mechanisms_query(iri: str) -> str:
    return f"SELECT DISTINCT ?m WHERE {{ ?m iscm:coversRegion {iri_term(iri)} }}"


def m49_states_query(iri: str) -> str:
    return f"SELECT DISTINCT ?m WHERE {{ ?m iscm:m49Region|iscm:m49SubRegion {iri_term(iri)} }}"


# --- source texts --------------------------------------------------------------------------------------


def source_file_query(iri: str) -> str:
    """The text copy (?file, relative to the repository) and ?title of a source document."""
    ref = iri_term(iri)
    return f"SELECT ?file ?title WHERE {{ {ref} iscm:dataFile ?file OPTIONAL {{ {ref} dct:title ?title }} }}"
