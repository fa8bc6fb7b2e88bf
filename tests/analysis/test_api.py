"""The network API on a real loopback server (Granian), against the exported files read with NetworkX."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

MECH = "https://w3id.org/iscm/id/mechanism/"


def get(client: FlaskClient, path: str, **params) -> TestResponse:
    return client.get(path, query_string=params)


def test_index(client: FlaskClient):
    response = get(client, "/api/networks")
    assert response.status_code == 200 and response.headers["Content-Type"].startswith("application/json")
    data = response.get_json()
    assert "shared_membership" in data["networks"] and "candidate_synergies" in data["tables"]
    download = get(client, data["networks"]["synergy"]["downloads"][1])
    assert download.status_code == 200 and b"<gexf" in download.data[:500]


def test_network_matches_the_export(client: FlaskClient, release: Path):
    G = nx.read_graphml(release / "networks" / "shared_membership.graphml")
    data = get(client, "/api/networks/shared_membership").get_json()
    assert len(data["nodes"]) == G.number_of_nodes() and len(data["edges"]) == G.number_of_edges()


def test_filters(client: FlaskClient):
    full = get(client, "/api/networks/shared_membership").get_json()
    heavy = get(client, "/api/networks/shared_membership", min_weight=10).get_json()
    assert 0 < len(heavy["edges"]) < len(full["edges"])
    assert all(e["weight"] >= 10 for e in heavy["edges"])
    by_jaccard = get(client, "/api/networks/shared_membership", min_weight=0.5, weight="jaccard").get_json()
    pairs = {(e["source"], e["target"]) for e in by_jaccard["edges"]}
    assert (MECH + "au-hoai", MECH + "mid-igad") in pairs and (MECH + "eap-panel", MECH + "prague") in pairs
    rcps = get(client, "/api/networks/shared_membership", type="rcp").get_json()
    assert rcps["nodes"] and {n["type"] for n in rcps["nodes"]} == {"rcp"}
    themed = get(client, "/api/networks/thematic_similarity", theme="remittances").get_json()
    assert themed["nodes"] and all("remittances" in n["themes"].split("|") for n in themed["nodes"])
    observers = get(client, "/api/networks/state_iscm", role="observer").get_json()
    assert observers["edges"] and {e["role"] for e in observers["edges"]} == {"observer"}
    europe = get(client, "/api/networks/state_iscm", region="Europe", role="member").get_json()
    states = [n for n in europe["nodes"] if n["kind"] != "mechanism"]
    assert states and {n["region"] for n in states} == {"Europe"}
    kept = get(client, "/api/networks/state_iscm", region="Europe", isolates="keep").get_json()
    assert len(kept["nodes"]) > len(europe["nodes"])


def test_tables_and_errors(client: FlaskClient):
    table = get(client, "/api/networks/tables/candidate_synergies").get_json()
    assert table["rows"][0]["rank"] == 1
    assert get(client, "/api/networks/nope").status_code == 404
    bad = client.get("/api/networks/synergy", query_string={"min_weight": "x"}, headers={"Accept": "application/json"})
    assert bad.status_code == 400 and bad.get_json()["parameter"] == "min_weight"
    assert get(client, "/networks/files/..%2Fiscm-kg.nq").status_code == 404
    assert get(client, "/vendor/networks/nope.js").status_code == 404


def test_openapi_describes_the_network_api(client: FlaskClient):
    doc = get(client, "/api/openapi.json").get_json()
    listed = get(client, "/api/networks").get_json()
    one = doc["paths"]["/api/networks/{name}"]["get"]
    params = {p["name"]: p for p in one["parameters"]}
    assert params["name"]["in"] == "path" and params["name"]["schema"]["enum"] == sorted(listed["networks"])
    assert {"type", "region", "theme", "role", "min_weight", "weight", "isolates"} <= set(params)
    assert params["min_weight"]["schema"]["type"] == "number"
    tables = doc["paths"]["/api/networks/tables/{name}"]["get"]["parameters"][0]["schema"]["enum"]
    assert tables == sorted(listed["tables"])
    assert "200" in doc["paths"]["/api/networks"]["get"]["responses"]
    # every described network and table answers at the path the document gives
    for name in params["name"]["schema"]["enum"]:
        assert get(client, f"/api/networks/{name}", isolates="keep").status_code == 200
    for name in tables:
        assert get(client, f"/api/networks/tables/{name}").status_code == 200


def test_communities_named_and_heatmap_order(client: FlaskClient):
    data = get(client, "/api/networks/state_iscm").get_json()
    names = {c["index"]: c["name"] for c in data["graph"]["communities"]}
    spain = next(n for n in data["nodes"] if n["id"].endswith("/state/ESP"))
    assert names[spain["community"]].startswith("Europe (")
    assert not any(name.isdigit() for name in names.values())
    shared = get(client, "/api/networks/shared_membership").get_json()
    order = shared["graph"]["orders"]["jaccard"]
    assert sorted(order) == sorted(n["id"] for n in shared["nodes"])
    # Budapest and Prague (Jaccard 0.91, the closest pair) stand side by side
    i = order.index(MECH + "prague")
    assert MECH + "budapest" in order[i - 1:i + 2]
