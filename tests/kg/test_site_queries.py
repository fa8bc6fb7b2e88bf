"""The SPARQL the site runs lives in queries/site/, named and parameterised like the canned queries: each file
has a title and typed parameters, binds and runs on the built store, and no page or dataset module holds query
text of its own."""

from __future__ import annotations

import re

import pytest

from iscm_kg.paths import QUERIES, ROOT
from iscm_kg.querying import LIST_KINDS, all_queries

SITE = all_queries(QUERIES / "site")
SAMPLES = {"iri": "https://w3id.org/iscm/id/mechanism/bali", "string": "Rabat"}
# the things each parameter is about, where a mechanism would not do
ABOUT = {("graph-content", "graph"): "https://w3id.org/iscm/graph/mechanisms/bali",
         ("shared-states", "iri"): "https://w3id.org/iscm/id/state/MAR",
         ("survey", "iri"): "https://w3id.org/iscm/id/state/MAR",
         ("memberships-of-party", "subject"): "https://w3id.org/iscm/id/state/MAR",
         ("summary", "iri"): "https://w3id.org/iscm/id/mechanism/rcm",
         ("source-file", "iri"): "https://w3id.org/iscm/id/document/report",
         ("document-citation", "iri"): "https://w3id.org/iscm/id/document/report",
         ("search-names", "prefix"): "https://w3id.org/iscm/id/mechanism/",
         ("theme-mechanisms", "iri"): "https://w3id.org/iscm/id/theme/labour-migration",
         ("region-mechanisms", "iri"): "https://w3id.org/iscm/id/region/africa",
         ("m49-states", "iri"): "https://w3id.org/iscm/id/m49/002"}
EMPTY = {"validation-results"}  # runs on the validation report, not on the dataset


def test_the_site_queries_are_there() -> None:
    assert len(SITE) >= 25 and {"labels", "describe", "facts", "memberships-of-mechanism", "search-names"} <= set(SITE)


@pytest.mark.parametrize("name", sorted(SITE))
def test_a_site_query_binds_and_answers(name: str, store) -> None:
    query = SITE[name]
    assert query.title and query.description, name
    values: dict[str, str | list[str]] = {}
    for param, (kind, _text) in query.params.items():
        assert kind in ("iri", "string", *LIST_KINDS), (name, param, kind)
        sample = ABOUT.get((name, param)) or SAMPLES[LIST_KINDS.get(kind, kind)]
        values[param] = [sample] if kind in LIST_KINDS else sample
    result = store.query(query.bind(values))
    answers = bool(result) if isinstance(result, bool) or type(result).__name__ == "QueryBoolean" else len(list(result))
    assert answers or name in EMPTY, name


def test_no_module_writes_its_own_sparql() -> None:
    """Every SPARQL text the project runs is a file of queries/ (site, protocol, store and engine queries too);
    only the prologue of PREFIX declarations is made from iscm_kg/iris.py."""
    keyword = re.compile(r"""["'](?:SELECT|CONSTRUCT|ASK|DESCRIBE|INSERT|DELETE|DROP|CREATE|CLEAR|LOAD)\s""")
    modules = sorted([*(ROOT / "server").rglob("*.py"), *(ROOT / "iscm_kg").rglob("*.py")])
    offenders = [f"{path.relative_to(ROOT)}:{number}" for path in modules
                 for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
                 if keyword.search(line)]
    assert offenders == []
