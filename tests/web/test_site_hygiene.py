"""The site's edges, over real HTTP: the endpoint opened in a browser."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
import requests

from tests.server.conftest import Server
from tests.web.conftest import BROWSER_ACCEPT

SD_SERVICE = "http://www.w3.org/ns/sparql-service-description#Service"


def get(site: Server, path: str, accept: str | None = BROWSER_ACCEPT, **kwargs: object) -> requests.Response:
    return requests.get(site.url + path, headers={"Accept": accept}, timeout=60, **kwargs)  # type: ignore[arg-type]


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
