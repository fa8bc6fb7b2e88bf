"""What every page shares and the site's edges, over real HTTP: the endpoint opened in a browser, the footer
(licence, attribution, how to cite), the dataset record's page, the ontology's page, the 404 page and the favicon."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET

import html5lib
import pyoxigraph as ox
import pytest
import requests

from tests.server.conftest import Server
from tests.web.conftest import BASE, BROWSER_ACCEPT

ODBL = "https://opendatacommons.org/licenses/odbl/1-0/"
LICENCE_LINK = f'<a rel="license" href="{ODBL}">Open Database License (ODbL) 1.0</a>'
DATASET = BASE + "id/dataset/iscm-kg"
SD_SERVICE = "http://www.w3.org/ns/sparql-service-description#Service"


def get(site: Server, path: str, accept: str | None = BROWSER_ACCEPT, **kwargs: object) -> requests.Response:
    return requests.get(site.url + path, headers={"Accept": accept}, timeout=60, **kwargs)  # type: ignore[arg-type]


def links(text: str) -> set[str]:
    return set(re.findall(r'href="([^"]+)"', text))


def part(text: str, tag: str) -> str:
    """The element ``tag`` of a page (main or footer), as text."""
    return text[text.index(f"<{tag}") : text.index(f"</{tag}>")]


# --- /sparql opened in a browser -------------------------------------------------------------------------


@pytest.mark.parametrize("accept", [BROWSER_ACCEPT, "text/html", "application/xhtml+xml"])
def test_the_endpoint_opened_in_a_browser_is_the_query_editor(site: Server, accept: str) -> None:
    response = get(site, "/sparql", accept, allow_redirects=False)
    assert response.status_code == 303 and response.headers["Location"].endswith("/query")
    assert "Accept" in response.headers["Vary"]
    page = get(site, "/sparql", accept)
    assert page.status_code == 200 and page.url == site.url + "/query"
    assert page.headers["Content-Type"].startswith("text/html")
    assert 'id="yasgui"' in page.text and "/vendor/yasgui/yasgui.min.js" in page.text


@pytest.mark.parametrize(
    ("accept", "media_type"),
    [
        (None, "text/turtle"),
        ("*/*", "text/turtle"),
        ("text/turtle", "text/turtle"),
        ("application/rdf+xml", "application/rdf+xml"),
        ("application/ld+json", "application/ld+json"),
        ("text/html;q=0.5, text/turtle", "text/turtle"),
    ],
)
def test_programs_keep_getting_the_service_description(site: Server, accept: str | None, media_type: str) -> None:
    response = get(site, "/sparql", accept, allow_redirects=False)
    assert response.status_code == 200
    assert response.headers["Content-Type"].split(";")[0] == media_type
    fmt = ox.RdfFormat.from_media_type(media_type)
    assert fmt is not None
    triples = [q.triple for q in ox.parse(response.content, format=fmt)]
    assert any(t.object == ox.NamedNode(SD_SERVICE) for t in triples)


def test_a_format_parameter_or_a_query_is_answered_as_before(site: Server) -> None:
    described = get(site, "/sparql?format=ttl", allow_redirects=False)
    assert described.status_code == 200 and described.headers["Content-Type"].startswith("text/turtle")
    answer = get(site, "/sparql?query=ASK%7B%7D", "application/sparql-results+json", allow_redirects=False)
    assert answer.status_code == 200 and answer.json()["boolean"] is True
    # A browser's query: the results in the one results format its Accept names (application/xml)
    results = get(site, "/sparql?query=ASK%7B%7D", allow_redirects=False)
    assert results.status_code == 200 and results.headers["Content-Type"].startswith("application/sparql-results+xml")


# --- the footer of every page ----------------------------------------------------------------------------

FOOTED = ["/", "/page/id/mechanism/bali", "/page/id/state/ESP", "/search?q=bali", "/queries", "/query",
          "/networks", "/download/", "/validation", "/ontology.html", "/page/id/dataset/iscm-kg", "/no/such/page"]


@pytest.mark.parametrize("path", FOOTED)
def test_every_footer_has_the_licence_attribution_and_how_to_cite(site: Server, path: str) -> None:
    response = get(site, path)
    assert response.status_code == (404 if path == "/no/such/page" else 200)
    footer = part(response.text, "footer")
    assert LICENCE_LINK in footer
    assert "© 2019 International Organization for Migration (IOM)" in footer
    assert "/page/id/document/report" in links(footer), "the IOM report is the source"
    assert "Data by Countries States Cities Database" in footer and "ODbL v1.0" in footer
    assert "hdx-python-country" in footer and "UN M49" in footer
    assert "/page/id/dataset/iscm-kg#cite" in links(footer)
    assert "/query" in links(footer) and "/sparql" not in links(footer), "people go to the query editor"


# --- the dataset record ----------------------------------------------------------------------------------


def test_the_dataset_iri_opens_its_page(site: Server) -> None:
    response = get(site, "/id/dataset/iscm-kg", allow_redirects=False)
    assert response.status_code == 303 and response.headers["Location"].endswith("/page/id/dataset/iscm-kg")


def test_the_dataset_page_has_version_licence_attribution_downloads_and_citation(site: Server) -> None:
    info = get(site, "/download/build-info.json", None).json()
    response = get(site, "/page/id/dataset/iscm-kg")
    assert response.status_code == 200
    main = part(response.text, "main")
    assert "<h1>ISCM knowledge graph</h1>" in main
    assert "Every fact carries its source." in main, "the description of the VoID record"
    assert f'<code class="version">{info["dataset_version"]}</code>' in main
    assert f'<time datetime="{info["built_at"]}">{info["built_at"][:10]}</time>' in main
    assert f"{info['triples']:,} triples" in main
    assert LICENCE_LINK in main
    assert "Data by Countries States Cities Database" in main and "hdx-python-country" in main
    assert "published by International Organization for Migration (IOM) in 2019" in main
    for dump in ("iscm-kg.nq", "iscm-kg.trig", "iscm-kg.ttl", "iscm-kg.jsonld"):
        assert f"/download/{dump}" in links(main)
    assert "/download/" in links(main)
    cite = re.search(r'<h2 id="cite">How to cite</h2>.*?<pre class="citation">([^<]+)</pre>', main, re.S)
    assert cite is not None
    assert cite.group(1) == (
        f"ISCM knowledge graph contributors ({info['built_at'][:4]}). "
        f"ISCM knowledge graph (version {info['dataset_version']}, {info['built_at'][:10]}) [data set]. "
        f"{DATASET}. Licence: Open Database License (ODbL) 1.0."
    )
    assert "International Organization for Migration (IOM) (2019). Advancing a common understanding" in main


def test_a_dump_the_dataset_page_links_is_served(site: Server) -> None:
    response = requests.head(site.url + "/download/iscm-kg.ttl", timeout=60)
    assert response.status_code == 200 and response.headers["Content-Type"].startswith("text/turtle")


# --- the ontology ----------------------------------------------------------------------------------------


def test_the_ontology_page_is_in_the_site_layout_with_its_title_and_iri(site: Server) -> None:
    text = get(site, "/ontology.html").text
    assert text.startswith("<!DOCTYPE html>") and '<html lang="en">' in text
    assert "<title>ISCM ontology · ISCM knowledge graph</title>" in text
    assert text.count("<h1") == 1 and "<h1>ISCM ontology</h1>" in text
    assert "Mechanism status</h1>" not in text and "<title>Mechanism status" not in text
    assert "<code>https://w3id.org/iscm/ontology</code>" in text
    assert '<nav class="site-nav" aria-label="Main">' in text
    assert '<a href="/ontology.html" aria-current="page">Ontology</a>' in text
    assert {"/ontology.ttl", "/ontology.jsonld", "/page/id/role/", "/page/id/status/"} <= links(text)
    assert '<a href="#ISCM">' in text or 'id="ISCM"' in text, "the terms are anchored"
    assert "rdflib.term" not in text, "the table of contents shows labels"
    scripts = re.findall(r"<script[^>]*>", text)
    assert "<style" not in text and scripts == ['<script src="/static/search.js" defer>'], "no pyLODE styles or script"


# --- 404 -------------------------------------------------------------------------------------------------

UNKNOWN = ["/no/such/path", "/static/nope.css", "/id/mechanism/nope", "/api/nope", "/sparql/nope",
           "/download/nope", "/vendor/yasgui/nope.js", "/%ff", "/page/id/mechanism/nope"]


@pytest.mark.parametrize("path", UNKNOWN)
@pytest.mark.parametrize("accept", [BROWSER_ACCEPT, "text/html"])
def test_an_unknown_path_is_a_404_page_with_the_navigation(site: Server, path: str, accept: str) -> None:
    response = get(site, path, accept)
    assert response.status_code == 404
    assert response.headers["Content-Type"].startswith("text/html")
    html5lib.HTMLParser(strict=True, namespaceHTMLElements=False).parse(response.text)
    assert '<html lang="en">' in response.text
    assert '<nav class="site-nav" aria-label="Main">' in response.text
    assert {"/mechanisms", "/states", "/query", "/download/", "/ontology.html"} <= links(response.text)
    assert "<h1>Not found</h1>" in response.text and LICENCE_LINK in response.text


@pytest.mark.parametrize("path", UNKNOWN[:6])
def test_an_unknown_path_answers_programs_in_json_or_text(site: Server, path: str) -> None:
    problem = get(site, path, "application/json")
    assert problem.status_code == 404 and problem.headers["Content-Type"] == "application/problem+json"
    assert json.loads(problem.content)["status"] == 404
    plain = get(site, path, None)
    assert plain.status_code == 404 and plain.headers["Content-Type"].startswith("text/plain")
    assert plain.text.startswith("404 Not Found")


@pytest.mark.parametrize("path", ["/%ff%fe", "/page/%00", "/id/%20x", "/data/id/nope.ttl", "/ontology.nope",
                                  "/download/iscm-kg-1999-01-01.nq", "/.well-known/nope", "/page/"])
@pytest.mark.parametrize("accept", [BROWSER_ACCEPT, "application/json", None])
def test_odd_paths_never_answer_a_server_error(site: Server, path: str, accept: str | None) -> None:
    assert get(site, path, accept).status_code < 500


# --- the favicon -----------------------------------------------------------------------------------------


def test_the_favicon_is_served_and_linked(site: Server) -> None:
    icon = requests.get(site.url + "/favicon.ico", timeout=60)
    assert icon.status_code == 200 and icon.headers["Content-Type"].startswith("image/svg+xml")
    assert ET.fromstring(icon.content).tag == "{http://www.w3.org/2000/svg}svg"
    home = get(site, "/").text
    linked = re.search(r'<link rel="icon" href="([^"]+)" type="image/svg\+xml">', home)
    assert linked is not None
    assert requests.get(site.url + linked.group(1), timeout=60).content == icon.content
