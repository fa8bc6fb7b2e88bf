"""The Reconciliation Service API (/reconcile): its answers validated against the spec's JSON schemas
(tests/schemas/reconciliation/, version 0.2), requests as OpenRefine sends them, the matching (misspellings,
codes, types, properties), the data extension (values checked against the research tables) and hostile batches
(a 400 naming the parameter, never a 5xx)."""

from __future__ import annotations

import csv
import json
import urllib.parse
from pathlib import Path
from typing import Any

import pytest
import requests
from flask import Flask
from flask.testing import FlaskClient
from jsonschema import Draft7Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT7

from iscm_kg.research_tables.derive import column_name
from tests.server.conftest import Server

SCHEMAS = Path(__file__).resolve().parents[1] / "schemas" / "reconciliation"
_LOADED = {path.name: json.loads(path.read_text(encoding="utf-8")) for path in SCHEMAS.glob("*.json")}
# Each schema under its $id, so that "type.json" resolves to the local copy (nothing is fetched).
REGISTRY = Registry().with_resources(
    (schema["$id"], Resource.from_contents(schema, default_specification=DRAFT7)) for schema in _LOADED.values()
)


def valid(schema: str, instance: Any) -> None:
    """Fails with every error if ``instance`` does not follow the spec's schema ``schema``."""
    validator = Draft7Validator(_LOADED[schema], registry=REGISTRY, format_checker=Draft7Validator.FORMAT_CHECKER)
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(instance)]
    assert not errors, errors


def reconcile(client: FlaskClient, batch: dict[str, Any]) -> dict[str, Any]:
    """Send a batch as OpenRefine does (POST, a form field `queries`) and check both sides against the schemas."""
    valid("reconciliation-query-batch.json", batch)
    response = client.post("/reconcile", data={"queries": json.dumps(batch)})
    assert response.status_code == 200, response.text[:500]
    assert response.headers["Content-Type"].startswith("application/json")
    answer = response.get_json()
    valid("reconciliation-result-batch.json", answer)
    assert set(answer) == set(batch)
    return answer


def top(client: FlaskClient, query: dict[str, Any]) -> list[dict[str, Any]]:
    return reconcile(client, {"q0": query})["q0"]["result"]


def test_manifest(client: FlaskClient) -> None:
    response = client.get("/reconcile")
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == "*"  # the spec requires CORS
    manifest = response.get_json()
    valid("manifest.json", manifest)
    assert manifest["versions"] == ["0.2"]
    assert manifest["identifierSpace"] == "https://w3id.org/iscm/id/"
    assert manifest["schemaSpace"] == "https://w3id.org/iscm/ontology#"
    assert [t["id"] for t in manifest["defaultTypes"]] == ["ISCM", "State", "Country", "Organization"]
    assert manifest["defaultTypes"][0]["name"] == "inter-State consultation mechanism on migration"
    assert manifest["batchSize"] == 50
    assert manifest["suggest"]["entity"] == {"service_url": "http://localhost/reconcile",
                                             "service_path": "/suggest/entity"}
    assert manifest["extend"] == {"propose_properties": {"service_url": "http://localhost/reconcile",
                                                         "service_path": "/propose_properties"}}


def test_behind_a_proxy_the_manifest_names_the_public_urls(app: Flask, client: FlaskClient) -> None:
    """With PUBLIC_ENDPOINT_URL set, OpenRefine is sent to the public site, not to the host behind the proxy."""
    before = app.config.get("PUBLIC_ENDPOINT_URL")
    app.config["PUBLIC_ENDPOINT_URL"] = "https://iscm.example.org/kg/sparql"
    try:
        manifest = client.get("/reconcile").get_json()
    finally:
        app.config["PUBLIC_ENDPOINT_URL"] = before
    valid("manifest.json", manifest)
    assert manifest["view"]["url"] == "https://iscm.example.org/kg/page/id/{{id}}"
    assert manifest["preview"]["url"].startswith("https://iscm.example.org/kg/reconcile/preview?id=")
    assert manifest["suggest"]["entity"]["service_url"] == "https://iscm.example.org/kg/reconcile"
    assert manifest["documentation"] == "https://iscm.example.org/kg/page/id/dataset/iscm-kg"


def test_view_and_documentation_resolve_to_pages(client: FlaskClient) -> None:
    manifest = client.get("/reconcile").get_json()
    assert manifest["view"]["url"] == "http://localhost/page/id/{{id}}"
    # OpenRefine puts the id in as it is (encodeURI); the spec asks clients to encode it as a URI component.
    for inserted in ("state/MAR", urllib.parse.quote("state/MAR", safe="")):
        page = client.get(manifest["view"]["url"].replace("{{id}}", inserted))
        assert page.status_code == 200 and "<h1>Morocco</h1>" in page.text
    assert client.get(manifest["documentation"]).status_code == 200


def test_openrefine_batch(client: FlaskClient) -> None:
    """Several queries in one POST, with types and properties, as OpenRefine sends a column."""
    answer = reconcile(client, {
        "q0": {"query": "Marocco", "type": "State", "type_strict": "should"},
        "q1": {"query": "Budapst", "type": "ISCM", "type_strict": "should"},
        "q2": {"query": "Cote d'Ivoire", "type": "State", "type_strict": "should",
               "properties": [{"pid": "iso3", "v": "CIV"}]},
        "q3": {"query": "International Organization for Migration", "type": "Organization", "limit": 3},
        "q4": {"query": "Puebla Process", "type": "ISCM"},
    })
    # Budapst is a word of a longer name spelt close: the best candidate, not a certain match.
    expected = {"q0": ("state/MAR", "Morocco", True), "q1": ("mechanism/budapest", "Budapest Process", False),
                "q2": ("state/CIV", "Côte d'Ivoire", True),
                "q3": ("organization/iom", "International Organization for Migration", True),
                "q4": ("mechanism/rcm", "Regional Conference on Migration", True)}
    for key, (entity_id, name, match) in expected.items():
        best = answer[key]["result"][0]
        assert (best["id"], best["name"], best["match"]) == (entity_id, name, match), (key, answer[key])
        assert 0 <= best["score"] <= 100
    assert answer["q0"]["result"][0]["type"] == [{"id": "State", "name": "State"}]
    assert [t["id"] for t in answer["q1"]["result"][0]["type"]] == ["InterregionalForum", "ISCM"]
    assert "ISO 3166-1 MAR MA" in answer["q0"]["result"][0]["description"]
    assert "established 1993" in answer["q1"]["result"][0]["description"]
    assert len(answer["q3"]["result"]) <= 3


def test_a_misspelling_is_a_match_only_when_nothing_else_is_near(client: FlaskClient) -> None:
    marocco = top(client, {"query": "Marocco"})
    assert [c["id"] for c in marocco] == ["state/MAR"] and marocco[0]["match"] and marocco[0]["score"] < 100
    budapst = top(client, {"query": "Budapst"})
    assert budapst[0]["id"] == "mechanism/budapest" and budapst[0]["score"] < 100
    # A name begun, not a name: candidates, no decision.
    rabat = top(client, {"query": "Rabat"})
    assert rabat[0]["id"] == "mechanism/rabat" and not rabat[0]["match"]


@pytest.mark.parametrize(("text", "entity_id"), [
    ("MAR", "state/MAR"),  # ISO 3166-1 alpha-3
    ("ma", "state/MAR"),  # alpha-2, any case
    ("600", "state/MAR"),  # COW code
    ("GMY", "state/DEU"),  # COW abbreviation
    ("Q1028", "state/MAR"),  # Wikidata item
    ("http://www.wikidata.org/entity/Q1028", "state/MAR"),
    ("IOM", "organization/iom"),  # an acronym
])
def test_codes(client: FlaskClient, text: str, entity_id: str) -> None:
    found = top(client, {"query": text})
    assert (found[0]["id"], found[0]["score"], found[0]["match"]) == (entity_id, 100, True), found[:3]


def test_a_code_of_two_schemes_is_no_match_until_a_property_says_which(client: FlaskClient) -> None:
    # AUS is Australia's ISO code and Austria's COW abbreviation.
    both = top(client, {"query": "AUS"})
    assert {c["id"] for c in both[:2]} == {"state/AUS", "state/AUT"} and not any(c["match"] for c in both)
    austria = top(client, {"query": "AUS", "properties": [{"pid": "cowAbbreviation", "v": "AUS"}]})
    assert austria[0]["id"] == "state/AUT" and austria[0]["match"]
    assert next(c for c in austria if c["id"] == "state/AUS")["score"] < austria[0]["score"]


def test_properties(client: FlaskClient) -> None:
    # A property alone finds its entity (query is optional in 0.2); a number for a COW code; the ontology's term.
    assert top(client, {"properties": [{"pid": "iso3", "v": "MAR"}]})[0]["id"] == "state/MAR"
    assert top(client, {"properties": [{"pid": "cowCode", "v": 600}]})[0]["match"]
    by_term = top(client, {"properties": [{"pid": "https://w3id.org/iscm/ontology#iso3166Alpha2", "v": ["MA"]}]})
    assert by_term[0]["id"] == "state/MAR"
    # "Congo" is the Republic of the Congo's name; the ISO code says the other one is meant.
    congo = top(client, {"query": "Congo", "type": "State", "properties": [{"pid": "iso3", "v": "COD"}]})
    assert congo[0]["id"] == "state/COD" and congo[0]["match"]
    assert next(c for c in congo if c["id"] == "state/COG")["match"] is False


def test_types_restrict(client: FlaskClient) -> None:
    assert top(client, {"query": "Rabat", "type": "ISCM"})[0]["id"] == "mechanism/rabat"
    states = top(client, {"query": "Rabat", "type": "State"})
    assert all(c["id"].startswith("state/") for c in states)
    organizations = top(client, {"query": "Budapest", "type": ["Organization"]})
    assert "mechanism/budapest" not in {c["id"] for c in organizations}
    by_iri = top(client, {"query": "Budapest", "type": "https://w3id.org/iscm/ontology#ISCM"})
    assert by_iri[0]["id"] == "mechanism/budapest"
    # Hong Kong is a territory: a Country, not a State.
    assert top(client, {"query": "Hong Kong", "type": "Country"})[0]["id"] == "state/HKG"
    assert "state/HKG" not in {c["id"] for c in top(client, {"query": "Hong Kong", "type": "State"})}


def test_empty_query_text_finds_nothing(client: FlaskClient) -> None:
    assert reconcile(client, {"q0": {"query": ""}, "q1": {"query": "   "}}) == {"q0": {"result": []},
                                                                           "q1": {"result": []}}


def test_get_and_jsonp(client: FlaskClient) -> None:
    batch = json.dumps({"q0": {"query": "Morocco"}})
    plain = client.get("/reconcile", query_string={"queries": batch}).get_json()
    assert plain["q0"]["result"][0]["id"] == "state/MAR"
    wrapped = client.get("/reconcile", query_string={"queries": batch, "callback": "jQuery.cb_1"})
    assert wrapped.headers["Content-Type"].startswith("application/javascript")
    assert wrapped.text.startswith("/**/jQuery.cb_1(") and wrapped.text.endswith(");")
    assert json.loads(wrapped.text[len("/**/jQuery.cb_1("):-2]) == plain


def too_deep() -> str:
    return "[" * 100_000 + "]" * 100_000


@pytest.mark.parametrize(("queries", "parameter"), [
    ("{not json", "queries"),
    (too_deep(), "queries"),
    ("[]", "queries"),
    (json.dumps({f"q{i}": {"query": "x"} for i in range(51)}), "queries"),
    (json.dumps({"q0": "Morocco"}), "queries.q0"),
    (json.dumps({"q0": {"limit": 1}}), "queries.q0"),
    (json.dumps({"q0": {"query": 5}}), "queries.q0.query"),
    (json.dumps({"q0": {"query": "x" * 201}}), "queries.q0.query"),
    (json.dumps({"q0": {"query": "x", "limit": 0}}), "queries.q0.limit"),
    (json.dumps({"q0": {"query": "x", "limit": 101}}), "queries.q0.limit"),
    (json.dumps({"q0": {"query": "x", "limit": "5"}}), "queries.q0.limit"),
    (json.dumps({"q0": {"query": "x", "limit": True}}), "queries.q0.limit"),
    (json.dumps({"q0": {"query": "x", "type": "Person"}}), "queries.q0.type"),
    (json.dumps({"q0": {"query": "x", "type": [1]}}), "queries.q0.type"),
    (json.dumps({"q0": {"query": "x", "type_strict": "maybe"}}), "queries.q0.type_strict"),
    (json.dumps({"q0": {"query": "x", "properties": {"iso3": "MAR"}}}), "queries.q0.properties"),
    (json.dumps({"q0": {"query": "x", "properties": [{"pid": "population", "v": 1}]}}), "queries.q0.properties[0].pid"),
    (json.dumps({"q0": {"query": "x", "properties": [{"pid": "iso3", "v": None}]}}), "queries.q0.properties[0].v"),
    (json.dumps({"q0": {"query": "x", "properties": [{"pid": "iso3"}]}}), "queries.q0.properties[0]"),
    (json.dumps({"q0": {"query": "x", "filter": 1}}), "queries.q0.filter"),
])
def test_bad_batches_are_400_naming_the_parameter(client: FlaskClient, queries: str, parameter: str) -> None:
    refused_both_ways(client, "queries", queries, parameter)


def refused_both_ways(client: FlaskClient, field: str, value: str, parameter: str) -> None:
    """``value`` of the form field or query parameter ``field`` is a 400 naming ``parameter``, by POST and GET."""
    for response in (client.post("/reconcile", data={field: value}),
                     client.get("/reconcile", query_string={field: value})):
        assert response.status_code == 400, response.text[:300]
        problem = response.get_json()
        assert problem["status"] == 400 and problem["parameter"] == parameter, problem


@pytest.mark.parametrize(("path", "parameter"), [
    ("/reconcile?callback=alert(1)//", "callback"),
    ("/reconcile/preview", "id"),
    ("/reconcile/suggest/entity?prefix=mo&cursor=-1", "cursor"),
    ("/reconcile/suggest/entity?prefix=mo&cursor=99999", "cursor"),
    ("/reconcile/suggest/entity?prefix=mo&type=Person", "type"),
    ("/reconcile/suggest/type?prefix=" + "x" * 201, "prefix"),
    ("/reconcile/propose_properties?type=Person", "type"),
    ("/reconcile/propose_properties?type=State&limit=0", "limit"),
    ("/reconcile/propose_properties?type=State&limit=abc", "limit"),
    ("/reconcile/propose_properties?type=State&limit=101", "limit"),
    ("/reconcile/suggest/property?prefix=i&cursor=" + "9" * 5000, "cursor"),  # more digits than int() takes
    ("/reconcile/propose_properties?type=State&limit=" + "9" * 5000, "limit"),
    ('/reconcile?queries={"q0":{"query":"x"}}&extend={"ids":[],"properties":[]}', "extend"),
])
def test_bad_requests_are_400_naming_the_parameter(client: FlaskClient, path: str, parameter: str) -> None:
    response = client.get(path)
    assert response.status_code == 400 and response.get_json()["parameter"] == parameter
    assert client.post("/reconcile", data={}).get_json()["parameter"] == "queries"


def test_preview(client: FlaskClient) -> None:
    manifest = client.get("/reconcile").get_json()
    url = manifest["preview"]["url"].replace("{{id}}", urllib.parse.quote("state/MAR", safe=""))
    card = client.get(url)
    assert card.status_code == 200 and card.headers["Content-Type"].startswith("text/html")
    assert '<a href="/page/id/state/MAR"' in card.text and "Morocco" in card.text and "COW 600 MOR" in card.text
    # Names are escaped: Côte d'Ivoire's apostrophe comes out as an entity.
    assert "Côte d&#39;Ivoire" in client.get("/reconcile/preview?id=state/CIV").text
    assert client.get("/reconcile/preview?id=state/XXX").status_code == 404


def test_suggest_entity(client: FlaskClient) -> None:
    first = client.get("/reconcile/suggest/entity?prefix=Moro").get_json()
    valid("suggest-entities-response.json", first)
    assert first["result"][0]["id"] == "state/MAR"
    assert first["result"][0]["notable"] == [{"id": "State", "name": "State"}]
    process = client.get("/reconcile/suggest/entity?prefix=process").get_json()["result"]
    more = client.get("/reconcile/suggest/entity?prefix=process&cursor=10").get_json()["result"]
    assert len(process) == 10 and more and not {c["id"] for c in process} & {c["id"] for c in more}
    typed = client.get("/reconcile/suggest/entity?prefix=ba&type=ISCM").get_json()["result"]
    assert typed and all(c["id"].startswith("mechanism/") for c in typed)
    assert client.get("/reconcile/suggest/entity?prefix=").get_json() == {"result": []}


def test_suggest_type_and_property(client: FlaskClient) -> None:
    types = client.get("/reconcile/suggest/type?prefix=regional").get_json()
    valid("suggest-types-response.json", types)
    assert types["result"] == [{"id": "RegionalConsultativeProcess",
                                "name": "regional consultative process on migration",
                                "broader": [{"id": "ISCM", "name": "inter-State consultation mechanism on migration"}]}]
    every = client.get("/reconcile/suggest/type").get_json()["result"]
    assert {t["id"] for t in every} == {"MigrationDialogue", "ISCM", "RegionalConsultativeProcess",
                                        "InterregionalForum", "GlobalProcess", "Country", "State", "Territory",
                                        "Organization"}
    properties = client.get("/reconcile/suggest/property?prefix=correlates").get_json()
    valid("suggest-properties-response.json", properties)
    assert [p["id"] for p in properties["result"]] == ["cowCode", "cowAbbreviation"]
    assert properties["result"][0]["name"] == "Correlates of War State code"
    iso = client.get("/reconcile/suggest/property?prefix=iso").get_json()["result"]
    assert [p["id"] for p in iso] == ["iso3", "iso2"]


def test_the_dataset_page_names_the_service(client: FlaskClient) -> None:
    page = client.get(client.get("/reconcile").get_json()["documentation"])
    assert '<a href="/reconcile"><code>/reconcile</code></a>' in page.text


def test_over_http_as_openrefine_and_a_browser_call_it(site: Server) -> None:
    """On the real server: OpenRefine's form POST, a page's cross-origin GET (CORS) and a JSONP call."""
    batch = {"q0": {"query": "Marocco", "type": "State"}, "q1": {"query": "Colombo Process", "type": "ISCM"}}
    posted = requests.post(site.url + "/reconcile", data={"queries": json.dumps(batch)}, timeout=30)
    assert posted.status_code == 200
    answer = posted.json()
    valid("reconciliation-result-batch.json", answer)
    assert answer["q0"]["result"][0]["id"] == "state/MAR" and answer["q0"]["result"][0]["match"] is True
    assert answer["q1"]["result"][0]["id"] == "mechanism/colombo"
    manifest = requests.get(site.url + "/reconcile", headers={"Origin": "https://example.org"}, timeout=30)
    assert manifest.headers["Access-Control-Allow-Origin"] == "*"
    valid("manifest.json", manifest.json())
    padded = requests.get(site.url + "/reconcile", params={"callback": "jsonp123"}, timeout=30)
    assert padded.text.startswith("/**/jsonp123(") or padded.text.startswith("jsonp123(")
    bad = requests.post(site.url + "/reconcile", data={"queries": "{not json"}, timeout=30)
    assert bad.status_code == 400 and "queries" in bad.text and bad.headers["Content-Type"].startswith("application/")


def extend(client: FlaskClient, query: dict[str, Any]) -> dict[str, Any]:
    """A data extension query as OpenRefine sends it (POST, a form field `extend`), both sides checked."""
    valid("data-extension-query.json", query)
    response = client.post("/reconcile", data={"extend": json.dumps(query)})
    assert response.status_code == 200, response.text[:500]
    answer = response.get_json()
    valid("data-extension-response.json", answer)
    assert [m["id"] for m in answer["meta"]] == [p["id"] for p in query["properties"]]
    assert set(answer["rows"]) == set(query["ids"])
    return answer


def table(release: Path, name: str) -> list[dict[str, str]]:
    with (release / "tables" / name).open(encoding="utf-8", newline="") as file:
        return list(csv.DictReader(file))


def proposed(client: FlaskClient, **params: str) -> dict[str, Any]:
    response = client.get("/reconcile/propose_properties", query_string=params)
    assert response.status_code == 200, response.text[:300]
    answer = response.get_json()
    # No 0.2 schema for this answer: the fields of the spec's "Data Extension Property Proposals".
    assert set(answer) <= {"type", "properties", "limit"} and answer.get("type") == params.get("type")
    assert all(set(p) == {"id", "name"} and all(isinstance(v, str) and v for v in p.values())
               for p in answer["properties"])
    return answer


@pytest.mark.parametrize(("type_id", "expected"), [
    ("State", {"iso3", "iso2", "m49", "m49Region", "cowCode", "memberOf", "memberOfCount", "observerOf"}),
    ("Territory", {"iso3", "m49SubRegion", "memberOf"}),
    ("ISCM", {"shortName", "mechanismType", "yearEstablished", "members", "memberCount", "secretariats"}),
    ("https://w3id.org/iscm/ontology#RegionalConsultativeProcess", {"members", "regions"}),
    ("Organization", {"kind", "secretariatOf", "acronym"}),
])
def test_propose_properties(client: FlaskClient, type_id: str, expected: set[str]) -> None:
    ids = {p["id"] for p in proposed(client, type=type_id)["properties"]}
    assert expected <= ids
    assert ("memberOf" in ids) == ("State" in type_id or "Territory" in type_id)


def test_propose_properties_limit_jsonp_and_every_type(client: FlaskClient) -> None:
    limited = proposed(client, type="State", limit="2")
    assert limited["limit"] == 2 and [p["id"] for p in limited["properties"]] == ["iso3", "iso2"]
    assert limited["properties"][1]["name"] == client.get(
        "/reconcile/suggest/property?prefix=iso").get_json()["result"][1]["name"]  # named as the suggest service
    every = proposed(client)
    assert {"iso3", "members", "kind"} <= {p["id"] for p in every["properties"]}
    wrapped = client.get("/reconcile/propose_properties", query_string={"type": "ISCM", "callback": "cb"})
    assert wrapped.text.startswith("/**/cb(") and '"memberCount"' in wrapped.text


def test_openrefine_extend(client: FlaskClient, release: Path) -> None:
    """Columns added to reconciled States and ISCMs: the values are the graph's, as the research tables give them."""
    properties = ["iso2", "cowCode", "m49Region", "memberOf", "memberOfCount", "observerOf", "wikidata",
                  "memberCount", "members", "secretariats", "yearEstablished", "mechanismType", "shortName"]
    answer = extend(client, {"ids": ["state/MAR", "state/ESP", "mechanism/rabat", "organization/icmpd"],
                             "properties": [{"id": p, "settings": {}} for p in properties]})
    meta = {m["id"]: m for m in answer["meta"]}
    assert meta["memberOf"]["type"] == {"id": "ISCM", "name": "inter-State consultation mechanism on migration"}
    assert meta["cowCode"]["name"] == "Correlates of War State code" and "type" not in meta["cowCode"]
    morocco, spain, rabat = (answer["rows"][i] for i in ("state/MAR", "state/ESP", "mechanism/rabat"))
    assert morocco["cowCode"] == [{"int": 600}] and morocco["iso2"] == [{"str": "MA"}]
    assert morocco["wikidata"] == [{"str": "Q1028"}] and morocco["m49Region"] == [{"str": "Africa"}]
    assert morocco["memberCount"] == []  # a property of ISCMs: no values for a State
    # Spain's ISCMs: its row of the State x ISCM matrix (COW status 1 member, 3 observer only).
    (matrix,) = [r for r in table(release, "state-iscm-matrix.csv") if r["state"] == "ESP"]
    iscms = {r["key"]: r for r in table(release, "iscms.csv")}
    member = {k for k in iscms if matrix[column_name(k)] == "1"}
    observer = {k for k in iscms if matrix[column_name(k)] == "3"}
    assert spain["memberOfCount"] == [{"int": len(member)}] and len(member) > 5
    assert {v["id"] for v in spain["memberOf"]} == {f"mechanism/{k}" for k in member}
    assert {v["id"] for v in spain["observerOf"]} == {f"mechanism/{k}" for k in observer}
    assert {"id": "mechanism/rabat", "name": "Euro-African Dialogue on Migration and Development"} in spain["memberOf"]
    # Rabat: its row of iscms.csv.
    assert rabat["memberCount"] == [{"int": int(iscms["rabat"]["members"])}]
    assert len(rabat["members"]) == int(iscms["rabat"]["members"]) and {"id": "state/ESP", "name": "Spain"} in rabat[
        "members"]
    assert {v["id"] for v in rabat["secretariats"]} >= {"organization/icmpd"}
    assert len(rabat["secretariats"]) == len(iscms["rabat"]["secretariat"].split("|"))
    assert rabat["yearEstablished"] == [{"int": int(iscms["rabat"]["established"])}]
    assert rabat["shortName"] == [{"str": iscms["rabat"]["short_label"]}]
    assert rabat["mechanismType"] == [{"str": "interregional forum on migration"}]
    assert rabat["memberOf"] == [] and answer["rows"]["organization/icmpd"]["members"] == []


def test_extend_by_get_iri_and_unknown_ids(client: FlaskClient) -> None:
    query = {"ids": ["https://w3id.org/iscm/id/state/MAR", "state/XXX", "nothing at all"],
             "properties": [{"id": "iso3"}, {"id": "secretariatOf", "name": "ISCMs it is a secretariat of"}]}
    response = client.get("/reconcile", query_string={"extend": json.dumps(query)})
    answer = response.get_json()
    valid("data-extension-response.json", answer)
    assert answer["rows"]["https://w3id.org/iscm/id/state/MAR"]["iso3"] == [{"str": "MAR"}]
    # Ids the service does not know: a row without values.
    assert answer["rows"]["state/XXX"] == answer["rows"]["nothing at all"] == {"iso3": [], "secretariatOf": []}
    icmpd = extend(client, {"ids": ["organization/icmpd"], "properties": [{"id": "secretariatOf"}, {"id": "kind"}]})
    assert {"id": "mechanism/rabat", "name": "Euro-African Dialogue on Migration and Development"} in icmpd[
        "rows"]["organization/icmpd"]["secretariatOf"]
    assert icmpd["rows"]["organization/icmpd"]["kind"]


@pytest.mark.parametrize(("query", "parameter"), [
    ("{not json", "extend"),
    (too_deep(), "extend"),
    ("[]", "extend"),
    (json.dumps({"ids": ["state/MAR"]}), "extend"),
    (json.dumps({"ids": "state/MAR", "properties": []}), "extend.ids"),
    (json.dumps({"ids": ["state/MAR"] * 501, "properties": []}), "extend.ids"),
    (json.dumps({"ids": [5], "properties": []}), "extend.ids[0]"),
    (json.dumps({"ids": ["x" * 201], "properties": []}), "extend.ids[0]"),
    (json.dumps({"ids": [], "properties": {"id": "iso3"}}), "extend.properties"),
    (json.dumps({"ids": [], "properties": [{"id": "iso3"}] * 30}), "extend.properties"),
    (json.dumps({"ids": [], "properties": ["iso3"]}), "extend.properties[0]"),
    (json.dumps({"ids": [], "properties": [{"id": "iso3"}, {"id": "population"}]}), "extend.properties[1].id"),
    (json.dumps({"ids": [], "properties": [{"id": ["iso3"]}]}), "extend.properties[0].id"),
    (json.dumps({"ids": [], "properties": [{"id": "iso3"}, {"id": "iso3"}]}), "extend.properties[1].id"),
    (json.dumps({"ids": [], "properties": [{"id": "iso3", "settings": {"limit": 1}}]}), "extend.properties[0].settings"),
    (json.dumps({"ids": [], "properties": [{"id": "iso3", "lang": "fr"}]}), "extend.properties[0].lang"),
    (json.dumps({"ids": [], "properties": [], "limit": 1}), "extend.limit"),
])
def test_bad_extend_requests_are_400_naming_the_parameter(client: FlaskClient, query: str, parameter: str) -> None:
    refused_both_ways(client, "extend", query, parameter)


def test_a_batch_while_the_worker_matches_others_is_429_with_retry_after(app: Flask, client: FlaskClient) -> None:
    """Each web worker matches RECONCILE_BATCHES_AT_ONCE batches at once (1): one more is told to come back."""
    batch = {"queries": json.dumps({"q0": {"query": "Marocco"}})}
    slots = app.extensions["reconcile_batches"]
    assert slots.acquire(blocking=False)  # a batch being matched
    try:
        busy = client.post("/reconcile", data=batch)
        assert busy.status_code == 429 and busy.headers["Retry-After"] == "1"
        assert "queries" in busy.get_json()["detail"]
        assert client.get("/reconcile").status_code == 200, "the manifest, suggest and preview are not held back"
    finally:
        slots.release()
    assert client.post("/reconcile", data=batch).status_code == 200
