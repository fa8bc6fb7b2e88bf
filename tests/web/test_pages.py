"""The pages for people: valid HTML (strict HTML5 parse), one layout with landmarks and a skip link, no
script needed, and the content the issue asks for on the home, ISCM, State and other pages."""

from __future__ import annotations

import csv
import html
import re
from html.parser import HTMLParser

import html5lib
import pytest
from flask.testing import FlaskClient

from iscm_kg.paths import ROOT

PAGES = [
    "/",
    "/mechanisms",
    "/states",
    "/organizations",
    "/themes",
    "/regions",
    "/search?q=bali",
    "/search?q=PDIC",
    "/search?q=Marocco",
    "/compare/rabat/khartoum",
    "/queries/analysis-overlap-with",
    "/queries/states-bridging-regions?region=Americas&other=Africa",
    "/search?q=",
    "/queries",
    "/queries/iscm-members?iscm=mechanism/bali",
    "/queries/state-iscms",
    "/page/id/mechanism/bali",
    "/page/id/mechanism/igc",
    "/page/id/mechanism/rcm",
    "/page/id/state/ESP",
    "/page/id/state/MEX",
    "/page/id/organization/iom",
    "/page/id/theme/border-management",
    "/page/id/region/africa",
    "/page/id/m49/150",
    "/page/id/role/",
    "/page/id/document/report",
    "/page/id/membership/bali/state-MYS/member",
    "/page/graph/mechanisms/bali",
    "/source/summary-igc",
    "/download/",
    "/validation",
    "/query",
    "/page/id/dataset/iscm-kg",
    "/ontology.html",
]


class Outline(HTMLParser):
    """What accessibility checks need: ids, headings, landmarks, scripts, form fields and their labels."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: list[str] = []
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.labels_for: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        self.tags.append((tag, attributes))
        if attributes.get("id"):
            self.ids.append(str(attributes["id"]))
        if tag == "label" and attributes.get("for"):
            self.labels_for.add(str(attributes["for"]))

    def count(self, tag: str) -> int:
        return sum(1 for t, _ in self.tags if t == tag)


def fetch(client: FlaskClient, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, (path, response.text[:500])
    assert response.headers["Content-Type"].startswith("text/html")
    return response.text


# The scripts a page may load: each adds to a page that works without it (the figure's caption and the page's
# own table name what a small map shows).
ENHANCEMENTS = {"/static/search.js", "/vendor/networks/topojson-client.min.js", "/networks/static/world.js",
                "/networks/static/statemap.js"}


@pytest.mark.parametrize("path", PAGES)
def test_page_is_valid_accessible_html(client: FlaskClient, path: str) -> None:
    text = fetch(client, path)
    parser = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False)
    parser.parse(text)  # raises on any parse error of the HTML5 syntax
    outline = Outline()
    outline.feed(text)
    assert text.startswith("<!DOCTYPE html>")
    assert '<html lang="en">' in text
    assert outline.count("h1") == 1, "one top-level heading"
    assert outline.count("main") == 1 and outline.count("nav") >= 1 and outline.count("header") == 1
    assert len(outline.ids) == len(set(outline.ids)), "ids are unique"
    first_link = next(attrs for tag, attrs in outline.tags if tag == "a")
    assert first_link.get("href") == "#main", "the skip link comes first"
    for tag, attrs in outline.tags:
        if tag == "input" and attrs.get("type") not in ("hidden", "submit"):
            assert attrs.get("id") in outline.labels_for, f"input {attrs} has a label"
        if tag == "img":
            assert attrs.get("alt") is not None
        assert int(attrs.get("tabindex") or 0) <= 0, "no positive tabindex: the reading order is the tab order"
        if tag == "script" and path != "/query":  # pages work without script; suggestions and small maps add to it
            # data (JSON, the schema.org record) or a script that only adds to the page
            assert attrs.get("type") in ("application/json", "application/ld+json") \
                or attrs.get("src") in ENHANCEMENTS, path


def links(text: str) -> set[str]:
    return set(re.findall(r'href="([^"]+)"', text))


def test_home_has_counts_build_date_validation_and_entry_points(client: FlaskClient) -> None:
    text = fetch(client, "/")
    assert re.search(r'<span class="count">\d+</span> ISCMs', text)
    assert "Built on" in text and "conforms" in text
    for target in ("/mechanisms", "/states", "/queries", "/query", "/download/", "/page/id/mechanism/bali"):
        assert target in links(text)


def test_iscm_page_has_fact_sheet_members_themes_cooperation_and_overlap(client: FlaskClient) -> None:
    text = fetch(client, "/page/id/mechanism/bali")
    assert "<h1>Bali Process</h1>" in text and '<p class="formal-name">Bali Process on People Smuggling' in text
    assert "Annex 2 number" in text and "/source/report?line=1538#L1538" in text, "fact-sheet values cite their line"
    assert "Australia" in text and "<code>AUS</code>" in text and "high" in text and "undated" in text
    assert "https://www.iom.int/node/30036" in text, "membership source pages are linked"
    assert "/page/id/state/AUS" in links(text)
    assert "/page/id/theme/counter-trafficking" in links(text)
    assert "Mechanisms sharing the most members" in text
    assert "/page/id/mechanism/igc" in links(text), "cooperation with IGC"


def test_iscm_page_with_a_summary(client: FlaskClient) -> None:
    text = fetch(client, "/page/id/mechanism/igc")
    assert "One-page summary" in text and "summary-section" in text


def test_state_page_lists_iscms_roles_and_states_sharing_most(client: FlaskClient) -> None:
    text = fetch(client, "/page/id/state/ESP")
    assert "<h1>Spain</h1>" in text
    assert "/page/id/mechanism/bali" in links(text) and "observer" in text
    assert "/page/id/mechanism/budapest" in links(text) and "member" in text
    assert "States sharing the most ISCMs" in text
    assert "/page/id/state/FRA" in links(text) or "/page/id/state/PRT" in links(text)


def test_organization_theme_and_region_pages(client: FlaskClient) -> None:
    assert "Roles in mechanisms" in fetch(client, "/page/id/organization/iom")
    theme = fetch(client, "/page/id/theme/border-management")
    assert "ISCMs with this thematic focus" in theme and "/page/id/mechanism/" in theme
    region = fetch(client, "/page/id/region/africa")
    assert "ISCMs covering this region" in region and "/page/id/mechanism/" in region


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Bali", "/page/id/mechanism/bali"),
        ("GFDM", "/page/id/mechanism/gfmd"),  # a misspelling (hidden label)
        ("Puebla", "/page/id/mechanism/rcm"),  # an alternative name
        ("IOM", "/page/id/organization/iom"),  # an acronym
        ("esp", "/page/id/state/ESP"),  # an ISO code
    ],
)
def test_search_finds_names_and_acronym_variants(client: FlaskClient, query: str, expected: str) -> None:
    text = fetch(client, f"/search?q={query}")
    assert expected in links(text), text[:3000]


@pytest.mark.parametrize(
    ("query", "first"),
    [
        ("Marocco", "/page/id/state/MAR"),  # typos
        ("Colmbo", "/page/id/mechanism/colombo"),
        ("Budapst", "/page/id/mechanism/budapest"),
        ("Phillipines", "/page/id/state/PHL"),
        ("sao tome", "/page/id/state/STP"),  # accents ignored (São Tomé)
        ("cote d", "/page/id/state/CIV"),
        ("rabat process", "/page/id/mechanism/rabat"),  # the name people use
        ("IOM", "/page/id/organization/iom"),  # and not Biometrics: words are matched from their start
    ],
)
def test_search_suggests_as_one_types_with_typos_and_accents(client: FlaskClient, query: str, first: str) -> None:
    found = client.get("/search/suggest", query_string={"q": query}).get_json()
    assert found and found[0]["href"] == first, found
    assert all(item["label"] != "Biometrics" for item in found)
    assert len(found) <= 8


def test_search_says_when_it_shows_close_spellings(client: FlaskClient) -> None:
    text = fetch(client, "/search?q=Marocco")
    assert "nothing has that name; these names are the closest" in text
    assert "/page/id/state/MAR" in links(text)
    assert "closest" not in fetch(client, "/search?q=Morocco")


def test_iscms_go_by_the_names_people_use(client: FlaskClient) -> None:
    """The short name is the title and the link text, the formal name under it."""
    page = fetch(client, "/page/id/mechanism/rabat")
    assert "<h1>Rabat Process</h1>" in page
    assert '<p class="formal-name">Euro-African Dialogue on Migration and Development</p>' in page
    assert "<title>Rabat Process · " in page
    listing = fetch(client, "/mechanisms")
    for path, name in [("colombo", "Colombo Process"), ("rcm", "RCM"), ("bali", "Bali Process"),
                       ("budapest", "Budapest Process"), ("gfmd", "GFMD")]:
        assert f'<a href="/page/id/mechanism/{path}">{name}</a>' in listing, name


def test_source_text_has_line_anchors(client: FlaskClient) -> None:
    text = fetch(client, "/source/report")
    assert 'id="L1538"' in text


def test_generic_pages_follow_links(client: FlaskClient) -> None:
    text = fetch(client, "/page/id/membership/bali/state-MYS/member")
    assert "/page/id/state/MYS" in links(text) and "/page/id/mechanism/bali" in links(text)


def test_every_listed_thing_has_a_valid_page(client: FlaskClient) -> None:
    """A bounded crawl: every page linked from the lists answers 200 with strict-valid HTML."""
    from concurrent.futures import ThreadPoolExecutor

    targets: set[str] = set()
    for listing in ("/mechanisms", "/states", "/organizations", "/themes", "/regions"):
        targets |= {href for href in links(fetch(client, listing)) if href.startswith("/page/")}
    assert len(targets) > 400

    def check(path: str) -> str | None:
        response = client.get(path)
        if response.status_code != 200:
            return f"{path}: {response.status_code}"
        try:
            html5lib.HTMLParser(strict=True, namespaceHTMLElements=False).parse(response.text)
        except Exception as exc:  # noqa: BLE001 - reported with the page
            return f"{path}: {exc}"
        return None

    with ThreadPoolExecutor(max_workers=4) as pool:
        problems = [p for p in pool.map(check, sorted(targets)) if p]
    assert not problems, problems[:20]


def test_themes_page_counts_annex10_foci_and_names_the_other_topics_without_zeros(client: FlaskClient) -> None:
    with (ROOT / "data" / "themes.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    annex10 = {r["key"] for r in rows if r["list"] == "annex10"}
    others = {r["key"] for r in rows} - annex10
    text = fetch(client, "/themes")
    foci, topics = text.split("<h2>Topics the chapters name</h2>")
    assert f"{len(annex10)} thematic foci of Annex 10" in foci and f"{len(others)} topics outside Annex 10" in topics
    assert {href.rsplit("/", 1)[-1] for href in links(foci) if "/page/id/theme/" in href} == annex10
    assert {href.rsplit("/", 1)[-1] for href in links(topics) if "/page/id/theme/" in href} == others
    assert '<td class="num">0</td>' not in topics and "chapter 1" in topics


def glance(text: str) -> str:
    """The at-a-glance summary at the top of an ISCM page, as text."""
    part = text[text.index('<section class="glance"'):text.index("</section>", text.index('<section class="glance"'))]
    text = re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", part)))
    return re.sub(r" ([:;,).])", r"\1", text).replace("( ", "(")


def test_iscm_page_opens_with_a_summary_read_in_ten_seconds(client: FlaskClient) -> None:
    """Type, regions, established, status, members, chair, secretariat, IOM's role, themes, cooperation and the
    ISCMs it overlaps with most, with the shared States named: each as Annex 2 prints it, with its source."""
    from tests.kg.seed import annex2

    row = next(r for r in annex2() if r["name"].startswith("Regional Conference on Migration"))
    text = fetch(client, "/page/id/mechanism/rcm")
    summary = glance(text)
    assert "Type regional consultative process on migration" in summary
    assert f"Established {row['established']} (Assessment report, line {row['line']}" in summary
    assert f"Status active (Assessment report, line {row['line']}" in summary
    assert "Regions Americas" in summary and "Chair " in summary and "Secretariat " in summary
    assert "IOM's role " in summary and "thematic foci (Annex 10)" in summary
    for line in ("Chair", "Secretariat", "IOM's role"):  # each party or role with the source of its statement
        assert re.search(line + r" [^()]+\((Assessment report, line \d+|[a-z0-9.-]+\.[a-z]+)", summary), line
    assert text.index('class="glance"') < text.index('id="facts"'), "the statement table comes below"
    overlaps = re.findall(r'href="(/compare/rcm/[a-z0-9-]+)"', text)
    assert len(overlaps) == 3
    assert client.get(overlaps[0]).status_code == 200


def test_compare_two_iscms(client: FlaskClient) -> None:
    """States in both and in one only, shared themes and organizations, documented cooperation, and the synergy
    score's parts: the members in both are the analysis's shared members and the ISCM page's overlap."""
    text = fetch(client, "/compare/rabat/khartoum")
    both = int(re.search(r"(\d+) members in both", text).group(1))
    edges = client.get("/api/networks/synergy").get_json()["edges"]
    pair = next(e for e in edges if {e["source"], e["target"]} == {"rabat", "khartoum"} or
                {e["source"].rsplit("/", 1)[-1], e["target"].rsplit("/", 1)[-1]} == {"rabat", "khartoum"})
    assert both == int(pair["shared_members"])
    assert f"Khartoum Process: {both} members in common" in glance(fetch(client, "/page/id/mechanism/rabat"))
    assert "jointly responsible for the monitoring of the Joint Valetta Action Plan" in text
    assert "/source/report?line=600#L600" in text
    assert "Synergy score" in text and "The parts of the score" in text
    assert "/page/id/organization/icmpd" in links(text)
    assert client.get("/compare/rabat/atlantis").status_code == 404


def test_which_iscms_is_morocco_in_and_as_of_when(client: FlaskClient) -> None:
    """(a) of the site issue: the ISCMs with roles, the year the source describes labelled "as of" (not
    "since"), and a member count that agrees with the question that ranks States."""
    text = fetch(client, "/page/id/state/MAR")
    table = text[text.index('<h2 id="iscms">'):text.index("</table>", text.index('<h2 id="iscms">'))]
    assert "<th scope=\"col\">As of</th>" in table and "not the year it began" in text
    ranked = client.get("/api/queries/states-in-most-iscms", headers={"Accept": "application/json"}).get_json()
    morocco = next(r for r in ranked["rows"] if r["state"].endswith("/MAR"))
    members = int(re.search(r"(\d+) of them as a member", table).group(1))
    # the ranking counts Annex 2 ISCMs only; the page every mechanism the sources name
    assert members >= int(morocco["iscms"]) and "/page/id/mechanism/rabat" in links(table)


def test_a_cited_line_reads_as_text_beside_its_column_headers(client: FlaskClient) -> None:
    """(d) of the site issue: where the Bali Process's year of establishment comes from, in two clicks: the
    fact sheet's source link opens the cited line, its cells beside the column headers, no markup."""
    from tests.kg.seed import annex2

    row = next(r for r in annex2() if r["name"].startswith("Bali Process"))
    page = fetch(client, "/page/id/mechanism/bali")
    assert f'href="/source/report?line={row["line"]}#L{row["line"]}"' in page
    text = fetch(client, f"/source/report?line={row['line']}")
    cited = text[text.index('<section class="cited"'):text.index("</section>", text.index('<section class="cited"'))]
    assert f"<dt>Year established</dt><dd>{row['established']}</dd>" in cited
    assert "<dt>Region(s) covered</dt><dd>Europe; Asia; Americas; Africa</dd>" in cited
    assert "&lt;ul" not in cited and "<ul" not in cited and "FACT SHEET" in cited
    assert "class=\"cited\"" not in fetch(client, "/source/report"), "no line asked, no panel"
