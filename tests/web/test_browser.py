"""In a real headless Chromium (Debian's chromium, driven by Playwright): open the home page, an ISCM page
and a State page by following links, use the keyboard, run a canned query in the query UI and see its
rows; and the site issue's five everyday questions, each answered on screen within two clicks or one search
from the home page. Screenshots go to test-artifacts/web/."""

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


# --- the five everyday questions of the site issue, through the UI only, from the home page -------------------


def test_a_which_iscms_is_morocco_in_and_as_of_when(page) -> None:  # type: ignore[no-untyped-def]
    page.goto("/")
    page.get_by_label("Search names and acronyms").press_sequentially("Morocco", delay=20)
    page.locator("#site-search-suggestions option").first.wait_for(state="attached")
    page.get_by_label("Search names and acronyms").fill("Morocco (State or territory)")  # one search
    page.wait_for_url("**/page/id/state/MAR")
    table = page.get_by_role("table").filter(has_text="As of").first
    assert table.get_by_role("link", name="Rabat Process", exact=True).is_visible()
    assert "not the year it began" in page.locator("main").inner_text()


def test_b_which_iscms_overlap_most_with_rabat_and_which_states(page) -> None:  # type: ignore[no-untyped-def]
    page.goto("/")
    page.get_by_role("link", name="Rabat Process", exact=True).first.click()  # one click
    summary = page.locator("section.glance").inner_text()
    assert "Overlaps most with" in summary and "Khartoum Process: 31 members in common" in summary
    assert "Morocco" not in summary.split("Overlaps most with")[0]
    page.locator("section.glance").get_by_role("link", name="compare").nth(1).click()  # two clicks
    page.wait_for_url("**/compare/rabat/khartoum")
    assert page.get_by_role("heading", name="In both (31)").is_visible()


def test_c_what_themes_does_the_colombo_process_focus_on(page) -> None:  # type: ignore[no-untyped-def]
    from tests.kg.seed import TICK, annex10

    header, rows = annex10()
    column = header.index("Colombo Process")
    expected = {theme for theme, cells in rows.items() if len(cells) == len(header) and cells[column] == TICK}
    page.goto("/")
    page.get_by_role("link", name="Colombo Process", exact=True).first.click()
    assert page.locator("h1").inner_text() == "Colombo Process"
    themes = page.locator("section[aria-labelledby=themes] li > a:first-of-type").all_inner_texts()
    assert set(themes) == expected
    assert f"{len(expected)} thematic foci" in page.locator("section.glance").inner_text()


def test_d_where_the_bali_processs_year_of_establishment_comes_from(page) -> None:  # type: ignore[no-untyped-def]
    page.goto("/")
    page.get_by_role("link", name="Bali Process", exact=True).first.click()
    established = page.locator("section.glance dd").filter(has_text="2002").first
    established.get_by_role("link").first.click()  # two clicks
    cited = page.locator("section.cited")
    assert "Year established" in cited.inner_text() and "2002" in cited.inner_text()
    assert "<ul" not in cited.inner_text()


def test_e_which_states_could_bridge_the_americas_and_africa(page) -> None:  # type: ignore[no-untyped-def]
    page.goto("/")
    page.get_by_role("link", name="Questions", exact=True).first.click()
    page.get_by_role("link", name="Which States sit in the ISCMs of two regions?").click()  # two clicks
    page.locator("#param-region").fill("Americas")
    page.locator("#param-other").fill("Africa")
    page.get_by_role("button", name="Answer").click()
    first = page.locator("table.results tbody tr").first.inner_text()
    assert "Spain" in first and "Rabat Process" in first


def test_small_maps_of_states_on_state_pages_and_answers(page) -> None:  # type: ignore[no-untyped-def]
    """A State page maps the State and those sharing most ISCMs with it; an answer about States maps them."""
    page.goto("/page/id/state/MAR")
    figure = page.locator("figure.state-map")
    figure.locator("svg[role=img] path").first.wait_for(state="attached")
    shared = page.locator("section[aria-labelledby=shared] table tbody tr").count()
    assert int(figure.get_attribute("data-drawn")) == shared  # one shaded country per State of the table
    assert figure.locator("path[fill='#08306b']").count() >= 1  # Morocco itself
    page.goto("/queries/states-bridging-regions?region=Americas&other=Africa")
    answer = page.locator("figure.state-map")
    answer.locator("svg[role=img] path").first.wait_for(state="attached")
    rows = page.locator("table.results tbody tr").count()
    assert 0 < int(answer.get_attribute("data-drawn")) <= rows
    assert f"{rows} States and territories in this answer" in answer.inner_text()
