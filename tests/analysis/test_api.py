"""The network API on a real loopback server (Granian), against the exported files read with NetworkX."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import requests

MECH = "https://w3id.org/iscm/id/mechanism/"


def get(server, path: str, **params) -> requests.Response:
    return requests.get(server.url + path, params=params, timeout=30)


def test_index(live_server):
    response = get(live_server, "/api/networks")
    assert response.status_code == 200 and response.headers["Content-Type"].startswith("application/json")
    data = response.json()
    assert "shared_membership" in data["networks"] and "candidate_synergies" in data["tables"]
    download = get(live_server, data["networks"]["synergy"]["downloads"][1])
    assert download.status_code == 200 and b"<gexf" in download.content[:500]


def test_network_matches_the_export(live_server, release: Path):
    G = nx.read_graphml(release / "networks" / "shared_membership.graphml")
    data = get(live_server, "/api/networks/shared_membership").json()
    assert len(data["nodes"]) == G.number_of_nodes() and len(data["edges"]) == G.number_of_edges()


def test_filters(live_server):
    full = get(live_server, "/api/networks/shared_membership").json()
    heavy = get(live_server, "/api/networks/shared_membership", min_weight=10).json()
    assert 0 < len(heavy["edges"]) < len(full["edges"])
    assert all(e["weight"] >= 10 for e in heavy["edges"])
    by_jaccard = get(live_server, "/api/networks/shared_membership", min_weight=0.5, weight="jaccard").json()
    pairs = {(e["source"], e["target"]) for e in by_jaccard["edges"]}
    assert (MECH + "au-hoai", MECH + "mid-igad") in pairs and (MECH + "eap-panel", MECH + "prague") in pairs
    rcps = get(live_server, "/api/networks/shared_membership", type="rcp").json()
    assert rcps["nodes"] and {n["type"] for n in rcps["nodes"]} == {"rcp"}
    themed = get(live_server, "/api/networks/thematic_similarity", theme="remittances").json()
    assert themed["nodes"] and all("remittances" in n["themes"].split("|") for n in themed["nodes"])
    observers = get(live_server, "/api/networks/state_iscm", role="observer").json()
    assert observers["edges"] and {e["role"] for e in observers["edges"]} == {"observer"}
    europe = get(live_server, "/api/networks/state_iscm", region="Europe", role="member").json()
    states = [n for n in europe["nodes"] if n["kind"] != "mechanism"]
    assert states and {n["region"] for n in states} == {"Europe"}
    kept = get(live_server, "/api/networks/state_iscm", region="Europe", isolates="keep").json()
    assert len(kept["nodes"]) > len(europe["nodes"])


def test_tables_and_errors(live_server):
    table = get(live_server, "/api/networks/tables/candidate_synergies").json()
    assert table["rows"][0]["rank"] == 1
    assert get(live_server, "/api/networks/nope").status_code == 404
    bad = requests.get(live_server.url + "/api/networks/synergy", params={"min_weight": "x"},
                       headers={"Accept": "application/json"}, timeout=30)
    assert bad.status_code == 400 and bad.json()["parameter"] == "min_weight"
    assert get(live_server, "/networks/files/..%2Fiscm-kg.nq").status_code == 404
    assert get(live_server, "/vendor/networks/nope.js").status_code == 404


def test_openapi_describes_the_network_api(live_server):
    doc = get(live_server, "/api/openapi.json").json()
    listed = get(live_server, "/api/networks").json()
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
        assert get(live_server, f"/api/networks/{name}", isolates="keep").status_code == 200
    for name in tables:
        assert get(live_server, f"/api/networks/tables/{name}").status_code == 200
