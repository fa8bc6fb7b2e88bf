"""Reading the source documents directly (data/sources/), independently of the curated tables, so tests can
compare the graph with what the seeds say."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

SOURCES = Path(__file__).resolve().parents[2] / "data" / "sources"
REPORT = SOURCES / "002_7939c0f69ec3242d.txt"
TICK = "✓"


@cache
def report_lines() -> list[str]:
    return REPORT.read_text(encoding="utf-8").split("\n")


def _cell(text: str) -> list[str]:
    items = re.findall(r"<li>(.*?)</li>", text)
    if items:
        return [re.sub(r"^•\s*", "", i).strip() for i in items]
    return [text.strip()]


@cache
def annex2() -> list[dict]:
    """The 30 rows of Annex 2 as printed: number, name, type, count, year, and list cells."""
    rows = []
    lines = report_lines()
    start = next(i for i, line in enumerate(lines) if "FACT SHEET ON INTER-STATE CONSULTATION" in line)
    for number, line in enumerate(lines[start:start + 60], start + 1):
        if not re.match(r"^\d+\.?\t", line):
            continue
        c = line.split("\t")
        rows.append({
            "line": number, "no": int(c[0].rstrip(".")), "name": c[1].strip(), "type": c[2].strip(),
            "count": int(c[3]), "established": c[4].strip(), "regions": _cell(c[5]), "associated": _cell(c[6]),
            "chair": c[7].strip(), "secretariat": _cell(c[8]), "iom_role": _cell(c[9]),
        })
    return rows


@cache
def annex10() -> tuple[list[str], dict[str, list[str]]]:
    """(column labels, theme -> cell values) of the Annex 10 matrix, trailing empty cells dropped."""
    lines = report_lines()
    start = next(i for i, line in enumerate(lines) if line.startswith("### INTER-STATE CONSULTATION MECHANISMS FOR"))
    header: list[str] = []
    rows: dict[str, list[str]] = {}
    for line in lines[start:]:
        if line.startswith("# REFERENCES"):
            break
        if "\t" not in line:
            continue
        cells = line.split("\t")
        if cells[0] == "Thematic focus":
            header = [c for c in cells[1:] if c]
            continue
        values = cells[1:]
        while values and values[-1] == "":
            values.pop()
        rows[cells[0]] = values
    return header, rows


def numbered_list(heading_contains: str, stop_at: str = "#") -> list[tuple[int, str]]:
    """(number, text) entries of the numbered list after the first line containing heading_contains."""
    lines = report_lines()
    start = next(i for i, line in enumerate(lines) if heading_contains in line)
    out = []
    for line in lines[start + 1:]:
        if line.startswith(stop_at) and out:
            break
        match = re.match(r"^(\d+)\. (.+?)\s*$", line)
        if match:
            out.append((int(match.group(1)), match.group(2)))
    return out
