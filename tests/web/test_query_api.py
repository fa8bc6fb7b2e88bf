"""The canned queries by name (JSON and CSV), their OpenAPI description, their pages, and the query UI."""

from __future__ import annotations

import csv
import io
import json
import urllib.parse

import pytest
from flask.testing import FlaskClient

from iscm_kg.paths import QUERIES
from iscm_kg.querying import all_queries

NAMES = sorted(all_queries(QUERIES))
ISCM_PARAMETER = {"iscm": "https://w3id.org/iscm/id/mechanism/bali"}


def test_there_are_queries_to_offer() -> None:
    assert len(NAMES) >= 25


def test_list_names_every_query_file(client: FlaskClient) -> None:
    data = client.get("/api/queries").get_json()
    assert sorted(q["name"] for q in data["queries"]) == NAMES
    for query in data["queries"]:
        assert query["title"] and query["url"] == f"/api/queries/{query['name']}"


@pytest.mark.parametrize("name", NAMES)
def test_every_query_runs_by_name_in_json_and_csv(client: FlaskClient, name: str) -> None:
    needed = all_queries(QUERIES)[name].defaults  # the parameters a question needs, with its examples
    response = client.get(f"/api/queries/{name}", query_string=needed)
    assert response.status_code == 200, response.text[:500]
    if response.headers["Content-Type"].startswith("application/json"):
        data = response.get_json()
        assert data["query"] == name and isinstance(data["rows"], list) and data["columns"]
        table = client.get(f"/api/queries/{name}", query_string=needed, headers={"Accept": "text/csv"})
        assert table.headers["Content-Type"].startswith("text/csv")
        header = next(csv.reader(io.StringIO(table.text)))
        assert header == data["columns"]
        assert len(list(csv.reader(io.StringIO(table.text)))) == len(data["rows"]) + 1


def test_parameters_are_bound(client: FlaskClient) -> None:
    everything = client.get("/api/queries/iscm-members").get_json()
    bali = client.get("/api/queries/iscm-members", query_string=ISCM_PARAMETER).get_json()
    assert 0 < len(bali["rows"]) < len(everything["rows"])
    assert {row["iscm"] for row in bali["rows"]} == {ISCM_PARAMETER["iscm"]}
    short = client.get("/api/queries/iscm-members?iscm=mechanism/bali&format=csv")
    assert short.status_code == 200 and short.text.count("\n") == len(bali["rows"]) + 1


def test_sparql_json_on_request(client: FlaskClient) -> None:
    response = client.get("/api/queries/iscm-members", query_string=ISCM_PARAMETER,
                          headers={"Accept": "application/sparql-results+json"})
    assert response.headers["Content-Type"].startswith("application/sparql-results+json")
    assert response.get_json()["results"]["bindings"]


def test_bad_requests(client: FlaskClient) -> None:
    assert client.get("/api/queries/no-such-query").status_code == 404
    wrong = client.get("/api/queries/iscm-members?nope=1")
    assert wrong.status_code == 400 and "nope" in wrong.text
    not_iri = client.get("/api/queries/iscm-members?iscm=not%20an%20iri")
    assert not_iri.status_code == 400
    integer = next((n for n, q in all_queries(QUERIES).items() if "integer" in {t for t, _ in q.params.values()}), None)
    if integer:
        param = next(p for p, (t, _) in all_queries(QUERIES)[integer].params.items() if t == "integer")
        assert client.get(f"/api/queries/{integer}?{param}=abc").status_code == 400


def test_openapi_describes_every_query_with_its_parameters(client: FlaskClient) -> None:
    doc = client.get("/api/openapi.json").get_json()
    assert doc["openapi"].startswith("3.") and doc["info"]["title"]
    files = all_queries(QUERIES)
    for name, query in files.items():
        operation = doc["paths"][f"/api/queries/{name}"]["get"]
        described = {p["name"]: p for p in operation["parameters"]}
        assert set(query.params) <= set(described)
        for param, (kind, _text) in query.params.items():
            assert described[param]["in"] == "query"
            assert described[param]["schema"]["type"] == {"iri": "string", "string": "string",
                                                          "integer": "integer", "decimal": "number"}[kind]
        assert "200" in operation["responses"]
    operation_ids = [op["get"]["operationId"] for op in doc["paths"].values()]
    assert len(operation_ids) == len(set(operation_ids))


def test_query_pages_show_rows_with_links_to_our_pages(client: FlaskClient) -> None:
    listing = client.get("/queries").text
    for name in NAMES:
        assert f"/queries/{name}" in listing
    page = client.get("/queries/iscm-members", query_string={"iscm": "mechanism/bali"}).text
    assert "/page/id/state/AUS" in page and "Australia" in page
    assert "/query#query=" in page, "a link opens the bound query in the editor"


def test_query_ui_offers_every_query_and_serves_yasgui_locally(client: FlaskClient) -> None:
    page = client.get("/query").text
    config = json.loads(page.split('id="query-ui-config">', 1)[1].split("</script>", 1)[0])
    assert sorted(e["name"] for e in config["examples"]) == NAMES
    assert config["endpoint"] == "/sparql"
    assert "https://" not in "".join(page.split('id="query-ui-config">')[0].split("<script")[1:]), "no CDN"
    for asset in ("/vendor/yasgui/yasgui.min.js", "/vendor/yasgui/yasgui.min.css", "/static/query-ui.js"):
        response = client.get(asset)
        assert response.status_code == 200, asset
    assert client.get("/vendor/yasgui/package.json").status_code == 404


def test_share_link_format_reopens_a_query(client: FlaskClient) -> None:
    page = client.get("/queries/iscm-members").text
    link = page.split('href="/query#', 1)[1].split('"', 1)[0]
    fields = urllib.parse.parse_qs(link.replace("&amp;", "&"))
    assert fields["tabTitle"] == [all_queries(QUERIES)["iscm-members"].title]
    assert "SELECT" in fields["query"][0] and fields["endpoint"] == ["/sparql"]


def test_question_parameters_are_chosen_by_name(client: FlaskClient) -> None:
    """(b) of the site issue: "Rabat Process" is read as the ISCM it names, in the page and the API."""
    page = client.get("/queries/iscm-members", query_string={"iscm": "Rabat Process"})
    assert page.status_code == 200 and "/page/id/state/MAR" in page.text
    assert 'list="param-iscm-names" data-suggest="param-iscm-names"' in page.text  # suggestions as one types
    by_name = client.get("/api/queries/iscm-members", query_string={"iscm": "rabat process"}).get_json()
    by_iri = client.get("/api/queries/iscm-members", query_string={"iscm": "mechanism/rabat"}).get_json()
    assert by_name == by_iri and by_name["rows"]
    unknown = client.get("/queries/iscm-members", query_string={"iscm": "Atlantis Process"})
    assert unknown.status_code == 400 and "nothing is named" in unknown.text


def test_a_missing_parameter_is_never_another_iscms_answer(client: FlaskClient) -> None:
    first = client.get("/queries/analysis-overlap-with")  # from the list of questions: the form, no answer yet
    assert first.status_code == 200 and "Choose iscm above" in first.text and "<table" not in first.text
    assert 'placeholder="e.g. mechanism/rcm"' in first.text and " required " in first.text
    empty = client.get("/queries/analysis-overlap-with", query_string={"iscm": ""})
    assert empty.status_code == 400 and "parameter iscm is needed" in empty.text and "<table" not in empty.text
    api = client.get("/api/queries/analysis-overlap-with", headers={"Accept": "application/json"})
    assert api.status_code == 400 and api.get_json()["parameter"] == "iscm"


def test_bridging_states_for_two_regions(client: FlaskClient) -> None:
    """(e): which States could bridge the Americas' and Africa's mechanisms, with the ISCMs named."""
    page = client.get("/queries/states-bridging-regions", query_string={"region": "Americas", "other": "Africa"})
    assert page.status_code == 200
    first_row = page.text.split("<tbody>", 1)[1].split("</tr>", 1)[0]
    assert "Spain" in first_row and "Rabat Process" in first_row and "RIAM" in first_row


def test_questions_and_editor_examples_are_grouped_by_topic(client: FlaskClient) -> None:
    listing = client.get("/queries").text
    for topic in ("ISCMs", "Members and roles", "States", "Themes", "Network analysis"):
        assert f">{topic}</h2>" in listing
    states = listing.split(">States</h2>", 1)[1].split("<h2", 1)[0]
    assert "/queries/states-bridging-regions" in states and "/queries/iscm-members" not in states
    editor = client.get("/query").text
    assert "<h3>States</h3>" in editor and editor.count('class="example"') == len(NAMES)


def test_answers_are_named_and_counts_are_drawn_as_bars(client: FlaskClient) -> None:
    page = client.get("/queries/states-in-most-iscms").text
    answer = client.get("/api/queries/states-in-most-iscms", headers={"Accept": "application/json"}).get_json()
    top = max(answer["rows"], key=lambda r: int(r["iscms"]))
    chart = page.split('<figure class="bars">', 1)[1].split("</figure>", 1)[0]
    first = chart.split("<li>", 2)[1]
    assert f'>{top["name"]}</a>' in first and f'<span class="bar-value">{top["iscms"]}</span>' in first
    assert 'style="width: 100%"' in first
    table = page.split("<tbody>", 1)[1]
    assert '<a href="/page/id/state/ESP">Spain</a>' in table and ">state/ESP<" not in table  # names, not keys
    assert '<figure class="bars">' not in client.get("/queries/iscm-members?iscm=mechanism/bali").text  # no counts
