"""In a real headless Chromium (Debian's chromium, driven by Playwright): open the home page, an ISCM page
and a State page by following links, use the keyboard, run a canned query in the query UI and see its
rows. Screenshots go to test-artifacts/web/."""

from __future__ import annotations

import urllib.parse
from pathlib import Path

from tests.server.conftest import Server


def test_home_to_iscm_to_state_by_links(page, artifacts: Path) -> None:  # type: ignore[no-untyped-def]
    page.goto("/")
    assert page.locator("h1").inner_text() == "ISCM knowledge graph"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.getAttribute('href')") == "#main", "skip link first"
    page.screenshot(path=str(artifacts / "01-home.png"), full_page=True)

    page.get_by_role("link", name="Bali Process", exact=True).first.click()
    page.wait_for_url("**/page/id/mechanism/bali")
    assert page.locator("h1").inner_text().startswith("Bali Process")
    members = page.get_by_role("table").filter(has_text="Party").first
    assert members.locator("tbody tr").count() >= 40
    page.screenshot(path=str(artifacts / "02-iscm-bali.png"), full_page=True)

    page.get_by_role("link", name="Australia", exact=True).first.click()
    page.wait_for_url("**/page/id/state/AUS")
    assert page.locator("h1").inner_text() == "Australia"
    assert page.get_by_role("link", name="Bali Process", exact=True).count() >= 1
    page.screenshot(path=str(artifacts / "03-state-australia.png"), full_page=True)

    page.get_by_role("link", name="Bali Process", exact=True).first.click()
    page.wait_for_url("**/page/id/mechanism/bali")


def test_search_box(page) -> None:  # type: ignore[no-untyped-def]
    page.goto("/")
    page.get_by_label("Search names and acronyms").fill("Puebla")
    page.keyboard.press("Enter")
    page.wait_for_url("**/search?q=Puebla")
    page.get_by_role("link", name="RCM", exact=True).first.click()
    page.wait_for_url("**/page/id/mechanism/rcm")


def test_search_box_suggests_as_one_types(page) -> None:  # type: ignore[no-untyped-def]
    """A misspelt name typed in the search box: its suggestion names the State; choosing it opens its page."""
    page.goto("/")
    box = page.get_by_label("Search names and acronyms")
    box.press_sequentially("Marocco", delay=30)
    option = page.locator("#site-search-suggestions option").first
    option.wait_for(state="attached", timeout=10_000)
    assert option.get_attribute("value") == "Morocco (State or territory)"
    box.fill("Morocco (State or territory)")  # what choosing the suggestion puts in the box
    page.wait_for_url("**/page/id/state/MAR")


def _run_and_wait(page) -> int:  # type: ignore[no-untyped-def]
    page.locator(".tab-pane.active .yasqe_queryButton, .yasqe_queryButton >> visible=true").first.click()
    rows = page.locator(".yasr table.dataTable tbody tr >> visible=true")
    rows.first.wait_for(state="visible", timeout=30_000)
    return rows.count()


def test_canned_query_in_the_query_ui(page, artifacts: Path) -> None:  # type: ignore[no-untyped-def]
    page.goto("/query")
    page.locator(".yasqe").first.wait_for(state="visible")
    page.locator("button.example[data-name='iscm-members']").click()
    count = _run_and_wait(page)
    assert count > 5
    # Result IRIs under the base open our pages.
    hrefs = page.locator(".yasr table.dataTable tbody a >> visible=true").evaluate_all(
        "els => els.map(e => e.getAttribute('href'))"
    )
    assert any(h.startswith("/page/id/state/") for h in hrefs), hrefs[:10]
    page.screenshot(path=str(artifacts / "04-query-ui.png"), full_page=True)


def test_the_endpoint_opened_in_the_browser_is_the_query_editor(page, artifacts: Path) -> None:  # type: ignore[no-untyped-def]
    page.goto("/sparql")  # before, Chromium downloaded the service description (sparql.rdf)
    page.wait_for_url("**/query")
    assert page.locator("h1").inner_text() == "Query editor"
    page.locator(".yasqe").first.wait_for(state="visible")
    page.screenshot(path=str(artifacts / "07-sparql-in-a-browser.png"))


def test_shared_link_reopens_a_query(page, artifacts: Path) -> None:  # type: ignore[no-untyped-def]
    query = (
        "PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n"
        "SELECT ?state ?name WHERE { ?state a <https://w3id.org/iscm/ontology#State> ; skos:prefLabel ?name } "
        "ORDER BY ?name LIMIT 7"
    )
    fragment = urllib.parse.urlencode({"query": query, "endpoint": "/sparql"}, quote_via=urllib.parse.quote)
    page.goto("/query#" + fragment)
    page.locator(".yasqe").first.wait_for(state="visible")
    text = page.evaluate("document.querySelector('.tab-pane.active .CodeMirror, .CodeMirror').CodeMirror.getValue()")
    assert "LIMIT 7" in text
    assert _run_and_wait(page) == 7
    page.screenshot(path=str(artifacts / "05-shared-query.png"), full_page=True)


def test_canned_query_page_without_javascript(browser, site: Server, artifacts: Path) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context(java_script_enabled=False, base_url=site.url)
    tab = context.new_page()
    tab.goto("/queries")
    tab.get_by_role("link", name="Members of an ISCM").first.click()
    tab.get_by_label("iscm").fill("mechanism/bali")
    tab.get_by_role("button", name="Answer").click()
    assert tab.locator("table.results tbody tr").count() > 40
    tab.screenshot(path=str(artifacts / "06-query-page-no-js.png"))
    context.close()
