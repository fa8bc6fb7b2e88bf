"""axe-core (npm, pinned in package.json) over every kind of page we make, in Debian's Chromium: no violation of
WCAG 2.1 A and AA (the query editor, YASGUI, included: query-ui.js and site.css add what it lacks); and no
horizontal overflow on a 390 px wide phone screen."""

from __future__ import annotations

from pathlib import Path

import pytest

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
# One page of each template and kind, the questions of the site issue among them.
PAGES = [
    "/", "/mechanisms", "/states", "/organizations", "/themes", "/regions", "/search?q=Marocco", "/queries",
    "/queries/iscm-members?iscm=Rabat%20Process", "/queries/analysis-overlap-with", "/queries/states-in-most-iscms",
    "/page/id/mechanism/rabat", "/page/id/state/MAR", "/page/id/organization/iom", "/page/id/theme/border-management",
    "/page/id/region/africa", "/page/id/document/report", "/page/id/dataset/iscm-kg", "/page/id/role/member",
    "/compare/rabat/khartoum", "/source/report?line=1538", "/download/", "/validation", "/ontology.html",
    "/no/such/page", "/query", "/networks", "/map", "/overlaps", "/matrix", "/networks?network=iscm_backbone",
    "/download/tables/codebook.html", "/reconcile/preview?id=state/MAR",
]
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@pytest.mark.parametrize("path", PAGES)
def test_axe_finds_no_violation_and_a_phone_needs_no_sideways_scrolling(page, path: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(path)
    if path == "/query":  # YASGUI builds its editor after the page loads (query-ui.js names its parts)
        page.wait_for_selector(".CodeMirror textarea[aria-label]", state="attached")
    page.wait_for_load_state("networkidle")  # the pictures drawn from /api/networks, the small maps
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("options => axe.run(document, options)", {"runOnly": {"type": "tag", "values": WCAG}})
    found = [f"{v['id']} ({v['impact']}): {v['help']}: {[n['target'] for n in v['nodes'][:3]]}"
             for v in result["violations"]]
    assert found == []
    page.set_viewport_size({"width": 390, "height": 844})  # the same page opened on a phone
    page.reload()
    page.wait_for_load_state("networkidle")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"{path} is {width} px wide at 390 px"
