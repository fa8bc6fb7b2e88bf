"""The pictures in a real headless Chromium (Debian's, driven by Playwright): the pages load, the graph
renders with the expected node count, a filter changes it; screenshots go to test-artifacts/."""

from __future__ import annotations

import requests

MECH = "https://w3id.org/iscm/id/mechanism/"


def _page(browser, errors: list[str]):
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text)
            if msg.type == "error" and not msg.text.startswith("Failed to load resource") else None)
    page.on("response", lambda r: errors.append(f"{r.status} {r.url}")
            if r.status >= 400 and not r.url.endswith("/favicon.ico") else None)
    return page


def test_network_page(site, browser, artifacts, node_modules_installed):
    expected = requests.get(site.url + "/api/networks/shared_membership", timeout=30).json()
    filtered = requests.get(site.url + "/api/networks/shared_membership", params={"min_weight": 20},
                            timeout=30).json()
    errors: list[str] = []
    page = _page(browser, errors)
    page.goto(site.url + "/networks?network=shared_membership")
    page.wait_for_function("document.body.dataset.graphReady === '1'", timeout=30000)
    assert page.evaluate("window.cy.nodes().length") == len(expected["nodes"])
    assert page.evaluate("window.cy.edges().length") == len(expected["edges"])
    page.screenshot(path=str(artifacts / "networks-shared-membership.png"))
    page.fill("#f-min-weight", "20")
    page.click("#filters button[type=submit]")
    page.wait_for_function(f"window.cy.nodes().length === {len(filtered['nodes'])}", timeout=30000)
    assert page.evaluate("window.cy.edges().length") == len(filtered["edges"]) < len(expected["edges"])
    assert "min_weight=20" in page.url
    node = page.evaluate(f"(() => {{ const n = window.cy.getElementById('{MECH}prague'); n.emit('tap');"
                         " return n.data('label'); })()")
    assert node == "Prague Process"
    assert page.locator("#details a.button").get_attribute("href") == "/id/mechanism/prague"
    page.screenshot(path=str(artifacts / "networks-shared-membership-min-weight-20.png"))
    page.fill("#f-min-weight", "")
    page.select_option("#network", "state_iscm")
    page.wait_for_function("document.body.dataset.graphReady === '1' && window.cy.nodes().length > 200",
                           timeout=60000)
    page.screenshot(path=str(artifacts / "networks-state-iscm.png"))
    assert not errors, errors


def test_world_map(site, browser, artifacts, node_modules_installed):
    net = requests.get(site.url + "/api/networks/state_iscm", timeout=30).json()
    rcm_members = {e["source"] if e["target"] == MECH + "rcm" else e["target"] for e in net["edges"]
                   if MECH + "rcm" in (e["source"], e["target"]) and e["role"] == "member"}
    errors: list[str] = []
    page = _page(browser, errors)
    page.goto(site.url + "/map")
    page.wait_for_function("document.body.dataset.mapReady === '1'", timeout=30000)
    assert page.locator("path.country[data-party]").count() > 150
    spain = page.locator("path.country[data-party$='/state/ESP']")
    assert int(spain.get_attribute("data-count")) == 11
    page.screenshot(path=str(artifacts / "map-participation.png"))
    page.select_option("#map-iscm", MECH + "rcm")
    page.wait_for_function("document.querySelectorAll('path.country[data-role=member]').length > 0")
    shown = page.locator("path.country[data-role=member]")
    parties = {shown.nth(i).get_attribute("data-party") for i in range(shown.count())}
    assert parties and parties <= rcm_members
    page.screenshot(path=str(artifacts / "map-rcm.png"))
    spain.dispatch_event("click")
    assert page.locator("#state-iscms li").count() == 12  # 11 as member, observer of the Bali Process
    assert not errors, errors


def test_heatmap_and_matrix(site, browser, artifacts):
    errors: list[str] = []
    page = _page(browser, errors)
    page.goto(site.url + "/overlaps")
    page.wait_for_function("document.body.dataset.heatReady === '1'", timeout=30000)
    n = page.locator("table.heatmap tbody tr").count()
    assert n >= 30 and page.locator("table.heatmap td.cell").count() == n * (n - 1)
    page.screenshot(path=str(artifacts / "overlap-heatmap.png"), full_page=True)
    page.goto(site.url + "/matrix")
    page.wait_for_function("document.body.dataset.matrixReady === '1'", timeout=30000)
    rows = page.locator("table.matrix tbody tr").count()
    assert rows > 200
    page.fill("#matrix-region", "Europe")
    page.dispatch_event("#matrix-region", "change")
    assert 30 < page.locator("table.matrix tbody tr").count() < rows
    page.screenshot(path=str(artifacts / "membership-matrix-europe.png"))
    assert not errors, errors
