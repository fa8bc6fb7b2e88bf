"""The pictures in a real headless Chromium (Debian's, driven by Playwright): the pages load, the graph
renders with the expected node count, a filter changes it; screenshots go to test-artifacts/."""

from __future__ import annotations

import requests

MECH = "https://w3id.org/iscm/id/mechanism/"
STATE = "https://w3id.org/iscm/id/state/"


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


def test_a_backbone_page_says_what_the_test_kept(site, browser, node_modules_installed):
    """The ISCM backbone: how many of the projection's links it keeps; the State backbone, empty: that no pair
    passes, and how near the best came."""
    summaries = requests.get(site.url + "/api/networks", timeout=30).json()
    errors: list[str] = []
    page = _page(browser, errors)
    said = {}
    for name in ("iscm_backbone", "state_backbone"):
        page.goto(site.url + f"/networks?network={name}")
        page.wait_for_function("document.body.dataset.graphReady === '1'", timeout=30000)
        said[name] = page.locator("#graph-about").inner_text()
    iscm = summaries["networks"]["iscm_backbone"]["summary"]["backbone"]
    assert f"It keeps {iscm['kept']} of the {iscm['projection_edges']} links of the projection (528 pairs tested, " \
           "alpha 0.05, Benjamini–Hochberg correction)." in said["iscm_backbone"]
    state = summaries["networks"]["state_backbone"]["summary"]["backbone"]
    assert state["kept"] == 0
    assert f"No pair passes the test (21,736 pairs tested, alpha 0.05, Benjamini–Hochberg correction): the smallest " \
           f"corrected p-value is {state['smallest_p_adjusted']}." in said["state_backbone"]
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


def _iscm_pairs(net: dict) -> int:
    iscms = {n["id"] for n in net["nodes"] if n["kind"] == "mechanism" and n.get("iscm")}
    return sum(1 for e in net["edges"] if e["source"] in iscms and e["target"] in iscms)


def test_pictures_read_in_words(site, browser, artifacts, node_modules_installed):
    """Legends say what colours and sizes mean, the node panel speaks in sentences, communities have names,
    the heatmap writes its values, and every picture has a table with the API's rows."""
    net = requests.get(site.url + "/api/networks/shared_membership", timeout=30).json()
    states = requests.get(site.url + "/api/networks/state_iscm", timeout=30).json()
    errors: list[str] = []
    page = _page(browser, errors)
    page.goto(site.url + "/networks?network=state_iscm")
    page.wait_for_function("document.body.dataset.graphReady === '1'", timeout=60000)
    legend = page.inner_text("#graph-legend")
    assert "Regional consultative process (RCP)" in legend and "State" in legend and "Node size" in legend
    assert page.locator("#graph-legend li[data-colour='#1f77b4']").count() == 1  # RCP blue, as drawn
    assert page.locator("table.net-data tbody tr").count() == len(states["nodes"])
    assert 0 < page.evaluate("window.cy.nodes('.named').length") <= 12
    page.evaluate(f"window.cy.getElementById('{STATE}ESP').emit('tap')")
    panel = page.inner_text("#details")
    assert "Member of 11 ISCMs" in panel and "Centrality (eigenvector)" in panel and "bipartite" not in panel
    assert "Europe" in panel and "Group (community)" in panel
    page.goto(site.url + "/networks?network=shared_membership&colour=community")
    page.wait_for_function("document.body.dataset.graphReady === '1'", timeout=30000)
    names = [c["name"] for c in net["graph"]["communities"] if c["size"] > 1]
    legend = page.inner_text("#graph-legend")
    assert names and all(name in legend for name in names[:3])
    assert page.locator("table.net-data tbody tr").count() == len(net["nodes"])
    page.locator(f"button[data-node='{MECH}prague']").click()
    assert "Shares members with" in page.inner_text("#details")
    page.screenshot(path=str(artifacts / "networks-communities.png"))

    page.goto(site.url + "/overlaps")
    page.wait_for_function("document.body.dataset.heatReady === '1'", timeout=30000)
    texts = page.locator("table.heatmap td.cell").all_inner_texts()
    assert sum(1 for t in texts if t) == 2 * _iscm_pairs(net) and "0.91" in texts
    assert page.locator("#heat-legend li").count() >= 2
    assert page.locator("#heat-table tbody tr").count() == _iscm_pairs(net)
    order = [n for n in net["graph"]["orders"]["jaccard"] if n in {m["id"] for m in net["nodes"] if m.get("iscm")}]
    first = page.locator("table.heatmap tbody th a").first.get_attribute("href")
    assert first == "/id/" + order[0].split("/id/")[1]

    page.goto(site.url + "/map")
    page.wait_for_function("document.body.dataset.mapReady === '1'", timeout=30000)
    parties = [n for n in states["nodes"] if n["kind"] != "mechanism"]
    assert page.locator("#map-table tbody tr").count() == len(parties)
    assert "11 ISCMs" in page.inner_text("#map-legend")
    page.goto(site.url + "/matrix")
    page.wait_for_function("document.body.dataset.matrixReady === '1'", timeout=30000)
    assert page.locator("table.matrix caption").count() == 1
    assert page.locator("table.matrix tbody tr").count() == len(parties)
    assert not errors, errors


def test_no_horizontal_overflow_on_a_phone(site, browser, node_modules_installed):
    errors: list[str] = []
    page = browser.new_page(viewport={"width": 390, "height": 844})
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    for path, ready in (("/networks", "graphReady"), ("/map", "mapReady"), ("/overlaps", "heatReady"),
                        ("/matrix", "matrixReady")):
        page.goto(site.url + path)
        page.wait_for_function(f"document.body.dataset.{ready} === '1'", timeout=30000)
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, path
    assert not errors, errors
