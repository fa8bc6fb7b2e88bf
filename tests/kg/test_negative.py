"""Bad input stops the build with file:line and what is wrong, and writes nothing (negative fixtures)."""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from iscm_kg.cli import main
from iscm_kg.paths import DATA, ONTOLOGY, SHAPES


def replace_line(path: Path, number: int, transform: Callable[[str], str]) -> None:
    lines = path.read_text(encoding="utf-8").split("\n")
    lines[number - 1] = transform(lines[number - 1])
    path.write_text("\n".join(lines), encoding="utf-8")


def append(path: Path, text: str) -> None:
    with path.open("a", encoding="utf-8") as handle:
        handle.write(text)


# (id, what to break, expected message): each fixture is the real data with exactly one defect.
FIXTURES: list[tuple[str, Callable[[Path], None], str]] = [
    ("malformed-row", lambda d: replace_line(d / "data" / "mechanisms.csv", 3, lambda s: s + ",extra"),
     r"data/mechanisms\.csv:3: row has 20 cells, the header has 19"),
    ("unterminated-quote", lambda d: append(d / "data" / "organizations.csv", 'x,"broken\n'),
     r"data/organizations\.csv:\d+: (malformed CSV|row has)"),
    ("unknown-iscm-key", lambda d: replace_line(d / "data" / "memberships.csv", 2,
                                                 lambda s: s.replace("5plus5,", "6plus6,", 1)),
     r"data/memberships\.csv:2: iscm: unknown mechanism '6plus6'"),
    ("unknown-country-code", lambda d: replace_line(d / "data" / "memberships.csv", 2,
                                                     lambda s: s.replace(",DZA,", ",XYZ,", 1)),
     r"data/memberships\.csv:2: party: unknown country code 'XYZ'"),
    ("duplicate-key", lambda d: append(d / "data" / "mechanisms.csv",
                                       (d / "data" / "mechanisms.csv").read_text(encoding="utf-8").split("\n")[1] + "\n"),
     r"data/mechanisms\.csv:\d+: duplicate key '5plus5' \(first on line 2\)"),
    ("bad-year", lambda d: replace_line(d / "data" / "mechanisms.csv", 2, lambda s: s.replace(",2002,", ",20O2,", 1)),
     r"data/mechanisms\.csv:2: year_established '20O2' is not a year"),
    ("quote-not-on-line", lambda d: replace_line(d / "data" / "cooperations.csv", 2,
                                                 lambda s: re.sub(r",report,(\d+),", ",report,5,", s, count=1)),
     r"data/cooperations\.csv:2: quote .* is not on line 5 of report"),
    ("statement-without-quote", lambda d: replace_line(d / "data" / "statements.csv", 2,
                                                       lambda s: s.rsplit(",", 2)[0] + ",,"),
     r"data/statements\.csv:2: empty quote: copy the words of report line 16 that state it"),
    ("unknown-role", lambda d: replace_line(d / "data" / "roles.csv", 2, lambda s: s.replace(",associated-organization,",
                                                                                            ",sponsor,", 1)),
     r"data/roles\.csv:2: role: 'sponsor' is not in the role vocabulary"),
    ("broken-ontology-turtle", lambda d: append(d / "ontology" / "iscm.ttl", "\niscm:Broken a owl:Class ; rdfs:label \"no end\n"),
     r"ontology/iscm\.ttl:\d+: broken Turtle"),
    ("broken-shapes-turtle", lambda d: append(d / "shapes" / "iscm-shapes.ttl", "\nshp:X a sh:NodeShape ; sh:path .\n"),
     r"shapes/iscm-shapes\.ttl:\d+: broken Turtle"),
]


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    for source, name in ((DATA, "data"), (ONTOLOGY, "ontology"), (SHAPES, "shapes")):
        shutil.copytree(source, tmp_path / name)
    return tmp_path


def run(args: list[str], workspace: Path):
    return CliRunner().invoke(main, [*args, "--data", str(workspace / "data"), "--ontology",
                                     str(workspace / "ontology"), "--shapes", str(workspace / "shapes")])


@pytest.mark.parametrize("name, breaks, message", FIXTURES, ids=[f[0] for f in FIXTURES])
def test_validate_refuses(name, breaks, message, workspace, monkeypatch):
    monkeypatch.chdir(workspace)
    breaks(workspace)
    result = run(["validate"], workspace)
    assert result.exit_code == 1, result.output
    assert re.search(message, result.output), result.output
    assert "Traceback" not in result.output


def test_shacl_violation_fails_validation(workspace):
    """A chair who is not a member, with no reason given, is a violation."""
    roles = workspace / "data" / "roles.csv"
    text = roles.read_text(encoding="utf-8")
    text = re.sub(r"GFMD membership is recorded as one group[^,]*?separately\.|GFMD membership is recorded as one "
                  r"group \(all UN Member States and UN Observer States\); Ecuador, a UN Member State, belongs to it "
                  r"but is not listed on its own\.", "", text)
    roles.write_text(text, encoding="utf-8")
    result = run(["validate"], workspace)
    assert result.exit_code == 1
    assert "Violation: https://w3id.org/iscm/id/membership/gfmd/state-ECU/chair" in result.output
    assert "not recorded as a member" in result.output


def test_failed_build_writes_nothing(workspace, other_base_build):
    """A good release in place, then a bad build: dist/ still points at the good release, nothing new written."""
    dist = other_base_build[0]
    dist_parent = dist.parent
    target = os.readlink(dist)
    before = sorted(p.name for p in (dist_parent / ".releases").iterdir())
    replace_line(workspace / "data" / "memberships.csv", 2, lambda s: s.replace(",DZA,", ",XYZ,", 1))
    bad = CliRunner().invoke(main, ["build", "--dist", str(dist), "--data", str(workspace / "data")])
    assert bad.exit_code == 1
    assert os.readlink(dist) == target
    assert sorted(p.name for p in (dist_parent / ".releases").iterdir()) == before
    assert (dist / "build-info.json").exists()
