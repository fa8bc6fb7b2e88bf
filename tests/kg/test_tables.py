"""The research tables of a release (dist/tables/, iscm_kg.research_tables): valid CSV on the Web for the csvw
validator (datatypes, required cells, primary and foreign keys), and failing when a cell is corrupted; their values
agree with the memberships they are computed from, with the store and with the network analysis; the codebook is
made from the metadata; another base gives the same tables under that base; and the Python of
docs/data-products.md runs and prints what the page says."""

from __future__ import annotations

import contextlib
import csv
import doctest
import hashlib
import io
import json
import os
import re
import shutil
import subprocess
from collections import defaultdict
from pathlib import Path

import networkx as nx
import pytest
from csvw import CSVW

from iscm_kg.iris import DEFAULT_BASE, rebase
from iscm_kg.paths import ROOT
from iscm_kg.research_tables import derive
from tests.conftest import OTHER_BASE

FILES = ["iscms.csv", "states.csv", "memberships.csv", "state-iscm-matrix.csv", "dyads.csv", "iscm-overlaps.csv",
         "themes.csv"]
STATE = "https://w3id.org/iscm/id/state/"
MECHANISM = "https://w3id.org/iscm/id/mechanism/"


def rows(folder: Path, name: str) -> list[dict[str, str]]:
    with (folder / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def validate(metadata: Path) -> list[str]:
    """The csvw validator on a table group: the warnings (empty when valid); raises ValueError naming file:line on
    a cell, key or reference that breaks the metadata. Lax only in one thing: a foreign key may be empty (the
    state of an organization's membership row)."""
    group = CSVW(str(metadata), validate=True, strict=False)
    valid = group.is_valid
    messages = [str(w.message) for w in group.warnings]
    assert valid or messages
    return messages


@pytest.fixture(scope="module")
def tables(release: Path) -> Path:
    return release / "tables"


def test_the_tables_are_written_and_listed_with_checksums(release: Path, tables: Path) -> None:
    info = json.loads((release / "build-info.json").read_text())
    listed = {line.split("  ")[1]: line.split("  ")[0] for line in (release / "SHA256SUMS").read_text().splitlines()}
    for name in [*FILES, "tables.csv-metadata.json", "codebook.md", "codebook.html"]:
        digest = hashlib.sha256((tables / name).read_bytes()).hexdigest()
        assert listed[f"tables/{name}"] == info["checksums"][f"tables/{name}"] == digest, name


def test_the_csvw_validator_accepts_the_tables(tables: Path) -> None:
    meta = json.loads((tables / "tables.csv-metadata.json").read_text())
    assert [t["url"] for t in meta["tables"]] == FILES
    assert validate(tables / "tables.csv-metadata.json") == []


def _corrupt(folder: Path, name: str, key: tuple[str, str], column: str, value: str) -> None:
    """Set one cell of ``name``: in the first row whose ``key[0]`` is ``key[1]``."""
    table = rows(folder, name)
    row = next(r for r in table if r[key[0]] == key[1])
    row[column] = value
    out = io.StringIO()
    writer = csv.DictWriter(out, list(table[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(table)
    (folder / name).write_text(out.getvalue(), encoding="utf-8")


MEXICO_IN_RCM = "https://w3id.org/iscm/id/reference/memberships/rcm/state-MEX/member"


@pytest.mark.parametrize(("name", "key", "column", "value", "message"), [
    ("state-iscm-matrix.csv", ("state", "ESP"), "budapest", "7",
     r"state-iscm-matrix.csv:\d+:\d+ budapest: value must be <= 3"),
    ("iscms.csv", ("key", "rcm"), "type", "forum", r"iscms.csv:\d+:\d+ type: invalid lexical value"),
    ("states.csv", ("key", "DEU"), "name", "", r"states.csv:\d+:\d+ name: required column value is missing"),
    ("states.csv", ("key", "DEU"), "key", "ESP", r"states.csv:\d+ duplicate primary key"),
    ("memberships.csv", ("reference", MEXICO_IN_RCM), "iscm", "nowhere",
     r"memberships.csv:\d+ Key `nowhere` not found in table iscms.csv"),
    ("dyads.csv", ("state_a", "ESP"), "shared", "ten", r"dyads.csv:\d+:\d+ shared: Invalid value"),
])
def test_the_validator_reports_a_corrupted_cell(tables: Path, tmp_path: Path, name: str, key: tuple[str, str],
                                                column: str, value: str, message: str) -> None:
    copy = tmp_path / "tables"
    shutil.copytree(tables, copy)
    _corrupt(copy, name, key, column, value)
    with pytest.raises(ValueError, match=message):
        validate(copy / "tables.csv-metadata.json")


def test_the_derivations_on_a_small_example() -> None:
    """The doctest of derive: COW codes by precedence, a dyad and an overlap of three States and two ISCMs."""
    failures, tried = doctest.testmod(derive)
    assert tried > 0 and failures == 0


def _full_members(tables: Path) -> dict[str, set[str]]:
    """ISCM key -> the States and territories with a member statement, read from memberships.csv."""
    members: dict[str, set[str]] = defaultdict(set)
    for row in rows(tables, "memberships.csv"):
        if row["state"] and row["role"] == "member":
            members[row["iscm"]].add(row["state"])
    return members


def test_spain_in_the_matrix(tables: Path) -> None:
    (spain,) = [r for r in rows(tables, "state-iscm-matrix.csv") if r["state"] == "ESP"]
    assert (spain["cow_code"], spain["cow_abb"], spain["name"]) == ("230", "SPN", "Spain")
    codes = {k: v for k, v in spain.items() if k not in ("state", "cow_code", "cow_abb", "name")}
    assert sorted(k for k, v in codes.items() if v == "1") == [
        "5plus5", "acp_eu", "budapest", "eap_panel", "eu_celac", "fibemyd", "igc", "khartoum", "prague", "rabat", "riam"]
    assert [k for k, v in codes.items() if v == "3"] == ["bali"]
    assert {v for k, v in codes.items() if k != "bali"} <= {"0", "1"} and len(codes) == 33


def test_every_matrix_cell_is_the_strongest_role_of_memberships(tables: Path) -> None:
    """1 where memberships.csv has a member row, else 3 where it has an observer row, else 0; and the 1s of a
    column are the ISCM's member count in iscms.csv."""
    roles: dict[tuple[str, str], set[str]] = defaultdict(set)
    for row in rows(tables, "memberships.csv"):
        if row["state"]:
            roles[(row["state"], row["iscm"].replace("-", "_"))].add(row["role"])
    matrix = rows(tables, "state-iscm-matrix.csv")
    iscms = {r["key"].replace("-", "_"): int(r["members"]) for r in rows(tables, "iscms.csv")}
    ones: dict[str, int] = defaultdict(int)
    for row in matrix:
        for iscm in iscms:
            held = roles.get((row["state"], iscm), set())
            expected = "1" if "member" in held else "3" if "observer" in held else "0"
            assert row[iscm] == expected, (row["state"], iscm, held)
            ones[iscm] += row[iscm] == "1"
    assert {k: ones[k] for k in iscms} == iscms
    assert len(matrix) == len(rows(tables, "states.csv")) == 209


def test_a_dyad_recomputed_from_memberships(tables: Path) -> None:
    members = _full_members(tables)
    shared = sorted(iscm for iscm, parties in members.items() if {"ESP", "PRT"} <= parties)
    (pair,) = [r for r in rows(tables, "dyads.csv") if (r["state_a"], r["state_b"]) == ("ESP", "PRT")]
    assert int(pair["shared"]) == len(shared) == 10
    assert pair["iscms"].split("|") == shared
    assert (pair["cow_code_a"], pair["cow_code_b"]) == ("230", "235")
    dyads = rows(tables, "dyads.csv")
    assert all(int(d["shared"]) >= 1 and d["state_a"] < d["state_b"] for d in dyads)
    assert max(int(d["shared"]) for d in dyads) == 10


def test_the_dyads_are_the_co_membership_network(release: Path, tables: Path) -> None:
    edges = {(e["source"].removeprefix(STATE), e["target"].removeprefix(STATE)): int(e["weight"])
             for e in rows(release / "networks", "co_membership-edges.csv")}
    dyads = {(d["state_a"], d["state_b"]): int(d["shared"]) for d in rows(tables, "dyads.csv")}
    assert dyads == edges and len(dyads) == 9725


def test_the_overlaps_agree_with_the_network_analysis(release: Path, tables: Path) -> None:
    analysis = {(o["a"].removeprefix(MECHANISM), o["b"].removeprefix(MECHANISM)):
                (int(o["shared"]), float(o["jaccard"]), float(o["overlap_coefficient"]), int(o["a_members"]),
                 int(o["b_members"])) for o in rows(release / "networks", "top_overlaps.csv")}
    ours = {(o["iscm_a"], o["iscm_b"]): (int(o["shared"]), float(o["jaccard"]), float(o["overlap_coefficient"]),
                                         int(o["members_a"]), int(o["members_b"]))
            for o in rows(tables, "iscm-overlaps.csv")}
    assert ours == analysis and len(ours) == 140
    assert ours[("budapest", "prague")] == (49, 0.907407, 0.98, 53, 50)


def test_every_membership_row_has_a_source(tables: Path, sparql) -> None:
    memberships = rows(tables, "memberships.csv")
    (count,) = sparql("SELECT (COUNT(*) AS ?n) WHERE { ?s a org:Membership ; prov:qualifiedDerivation ?r }")
    assert len(memberships) == int(count["n"]) == len({r["reference"] for r in memberships})
    for row in memberships:
        assert row["source"] and row["source_document"] and row["source_line"].isdigit(), row
        assert row["as_of"] or row["undated"] == "true" or row["source_document"] == "report", row
    (mexico,) = [r for r in memberships if r["reference"].endswith("/rcm/state-MEX/member")]
    assert (mexico["as_of"], mexico["confidence"], mexico["source_document"], mexico["source_url"]) == (
        "2019", "high", "memberships", "https://www.rcmvs.org/en/about-us/member-countries")


def test_states_and_their_cow_codes(tables: Path, sparql) -> None:
    states = {r["key"]: r for r in rows(tables, "states.csv")}
    with_cow = [r for r in states.values() if r["cow_code"]]
    (count,) = sparql("SELECT (COUNT(*) AS ?n) WHERE { ?s iscm:cowCode ?c }")
    assert len(with_cow) == int(count["n"]) == 191
    germany = states["DEU"]
    assert (germany["cow_code"], germany["cow_abb"], germany["iso2"], germany["m49"], germany["wikidata"]) == (
        "255", "GMY", "DE", "276", "Q183")
    assert "https://w3id.org/iscm/id/locator/cow-states/" in germany["cow_source"]
    assert states["SADR"]["iso3"] == "" and states["SADR"]["kind"] == "state"
    assert states["NAM"]["iso2"] == "NA" and states["AFG"]["m49"] == "004"


def test_the_iscms(tables: Path) -> None:
    iscms = {r["key"]: r for r in rows(tables, "iscms.csv")}
    assert len(iscms) == 33 and sum(1 for r in iscms.values() if r["annex2"]) == 30
    budapest = iscms["budapest"]
    assert (budapest["annex2"], budapest["type"], budapest["established"], budapest["members"],
            budapest["annex2_members"], budapest["status"]) == ("7", "irf", "1993", "53", "53", "active")
    assert budapest["secretariat"] == "International Centre for Migration Policy Development"
    assert budapest["source"] == "https://w3id.org/iscm/id/locator/report/1539"


def test_the_themes(tables: Path, sparql) -> None:
    themes = rows(tables, "themes.csv")
    (count,) = sparql("SELECT (COUNT(*) AS ?n) WHERE { ?m iscm:thematicFocus ?t }")
    assert len(themes) == int(count["n"])
    assert sum(1 for t in themes if t["every_reading"] == "true") == 17
    (asylum,) = [t for t in themes if (t["iscm"], t["theme"]) == ("budapest", "asylum")]
    assert asylum["source"] == "https://w3id.org/iscm/id/locator/report/2132" and "annex10" in asylum["theme_lists"]


def test_the_codebook_is_made_from_the_metadata(tables: Path) -> None:
    meta = json.loads((tables / "tables.csv-metadata.json").read_text())
    markdown = (tables / "codebook.md").read_text()
    page = (tables / "codebook.html").read_text()
    for table in meta["tables"]:
        assert f"## {table['url']}: {table['dc:title']}" in markdown
        assert f"{table['url']}: {table['dc:title']}</h2>" in page
        for column in table["tableSchema"]["columns"]:
            assert f"| `{column['name']}` |" in markdown
            assert f"<code>{column['name']}</code>" in page
    assert "| 1 | full member |" in markdown and "| 3 | observer |" in markdown and "`observer` |" in markdown
    assert "| 2 | associate member |" in markdown and "| 0 | none |" in markdown
    assert "State System Membership List, v2016" in markdown and "odbl" in markdown
    (matrix,) = [t for t in meta["tables"] if t["url"] == "state-iscm-matrix.csv"]
    codes = {c["skos:notation"]: [r["skos:notation"] for r in c["skos:related"]]
             for c in matrix["notes"][0]["skos:hasTopConcept"]}
    assert codes[1] == ["member"] and codes[3] == ["observer"] and codes[2] == []
    assert {"partner", "chair", "participant", "former-member"} <= set(codes[0])


def test_another_base_gives_the_same_tables_under_it(tables: Path, other_base_build: tuple[Path, str]) -> None:
    other = other_base_build[0] / "tables"
    for name in sorted(p.name for p in tables.iterdir()):
        text = (other / name).read_text(encoding="utf-8")
        assert DEFAULT_BASE not in text, name
        assert rebase(text, DEFAULT_BASE, OTHER_BASE) == (tables / name).read_text(encoding="utf-8"), name
    assert validate(other / "tables.csv-metadata.json") == []


# --- docs/data-products.md: its Python runs on the release and prints what the page shows --------------------------

DOC = ROOT / "docs" / "data-products.md"
BLOCK = re.compile(r"^```(\w+)\n(.*?)^```\n", re.MULTILINE | re.DOTALL)


def doc_examples() -> list[tuple[str, str | None]]:
    """(Python block, the ```text block right after it or None)."""
    text = DOC.read_text(encoding="utf-8")
    matches = list(BLOCK.finditer(text))
    out = []
    for i, match in enumerate(matches):
        if match.group(1) != "python":
            continue
        after = matches[i + 1] if i + 1 < len(matches) else None
        follows = after is not None and after.group(1) == "text" and not text[match.end():after.start()].strip()
        out.append((match.group(2), after.group(2) if follows else None))
    return out


def test_the_python_of_data_products_md_prints_what_it_says(release: Path) -> None:
    examples = doc_examples()
    assert len(examples) >= 4 and all(shown is not None for _, shown in examples)
    namespace: dict = {}
    cwd = os.getcwd()
    os.chdir(release.parent)  # the page reads dist/...
    try:
        for code, shown in examples:
            printed = io.StringIO()
            with contextlib.redirect_stdout(printed):
                exec(compile(code, str(DOC), "exec"), namespace)  # noqa: S102 - the documentation's own code
            assert printed.getvalue() == shown, code
    finally:
        os.chdir(cwd)


def test_the_r_of_data_products_md_reads_what_python_reads(release: Path) -> None:
    """The doc's R lines, run by Rscript (base R and igraph, from `make debs-test`), read the tables and the
    network files with the same numbers of rows, nodes and edges as csv and networkx do."""
    rscript = shutil.which("Rscript")
    assert rscript, "Rscript is missing: `make debs-test` installs r-base-core and r-cran-igraph"
    blocks = [m.group(2) for m in BLOCK.finditer(DOC.read_text(encoding="utf-8")) if m.group(1) == "r"]
    assert len(blocks) == 2
    script = "\n".join([
        blocks[0],
        'cat("tables", nrow(states), nrow(matrix), ncol(matrix), nrow(dyads), max(dyads$shared), vcount(g), '
        'ecount(g), "\\n")',
        'cat("co", vcount(co), ecount(co), vcount(pajek), ecount(pajek), "\\n")',
        blocks[1],
        'cat("backbone", vcount(g), ecount(g), nrow(edges), "\\n")',
    ])
    run = subprocess.run([rscript, "-e", script], cwd=release.parent, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    said = {line.split()[0]: [int(float(v)) for v in line.split()[1:]] for line in run.stdout.splitlines()
            if line.split() and line.split()[0] in ("tables", "co", "backbone")}

    def rows(name: str) -> list[dict[str, str]]:
        return list(csv.DictReader((release / "tables" / name).open(encoding="utf-8")))

    dyads = rows("dyads.csv")
    in_dyads = {row[k] for row in dyads for k in ("state_a", "state_b")}
    header = next(csv.reader((release / "tables" / "state-iscm-matrix.csv").open(encoding="utf-8")))
    assert said["tables"] == [len(rows("states.csv")), len(rows("state-iscm-matrix.csv")), len(header), len(dyads),
                              max(int(row["shared"]) for row in dyads), len(in_dyads), len(dyads)]
    co = nx.read_graphml(release / "networks" / "co_membership.graphml")
    assert said["co"] == [co.number_of_nodes(), co.number_of_edges()] * 2
    backbone = nx.read_pajek(release / "networks" / "iscm_backbone.net")
    edges = (release / "networks" / "iscm_backbone-edges.csv").read_text(encoding="utf-8").splitlines()
    assert said["backbone"] == [backbone.number_of_nodes(), backbone.number_of_edges(), len(edges) - 1]
