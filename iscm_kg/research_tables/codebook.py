"""The codebook of the research tables, made from their CSVW metadata only (nothing else is read, so the two
cannot disagree): a section per table with what a row is, its keys, sources and citation, and each column with its
type, whether it is required, its meaning and allowed values, and the ontology term it maps to. Markdown, and the
same rendered as HTML by Python-Markdown."""

from __future__ import annotations

import html
import re

import markdown

WORDS = re.compile(r"[\w-]+(\|[\w-]+)+")  # a format that lists the allowed values: rcp|irf|global


def _cell(text: object) -> str:
    """Text for a Markdown table cell: pipes escaped, lines joined."""
    return " ".join(str(text).split()).replace("|", "\\|")


def _datatype(datatype: str | dict) -> tuple[str, str]:
    """(type, allowed values) of a CSVW datatype."""
    if isinstance(datatype, str):
        return datatype, ""
    allowed = []
    fmt = datatype.get("format", "")
    if WORDS.fullmatch(fmt):
        allowed.append(", ".join(f"`{value}`" for value in fmt.split("|")))
    elif fmt:
        allowed.append(f"pattern `{fmt}`")
    if "minimum" in datatype and "maximum" in datatype:
        allowed.append(f"{datatype['minimum']} to {datatype['maximum']}")
    elif "minimum" in datatype:
        allowed.append(f"at least {datatype['minimum']}")
    return datatype["base"], "; ".join(allowed)


def _ids(value: object) -> list[str]:
    items = value if isinstance(value, list) else [value] if value else []
    return [item["@id"] if isinstance(item, dict) else str(item) for item in items]


def _column_row(column: dict) -> str:
    kind, allowed = _datatype(column["datatype"])
    if column.get("separator"):
        allowed = "; ".join(filter(None, [allowed, "a list, separated by " + column["separator"]]))
    term = f"<{column['propertyUrl']}>" if column.get("propertyUrl") else ""
    cells = [f"`{column['name']}`", kind, "yes" if column.get("required") else "", column.get("dc:description", ""),
             allowed, term]
    return "| " + " | ".join(_cell(c) for c in cells) + " |"


def _codes(note: dict) -> list[str]:
    lines = [f"**{note['skos:prefLabel']}**", "", "| code | status | meaning | roles coded so |", "|---|---|---|---|"]
    for code in note["skos:hasTopConcept"]:
        roles = ", ".join(f"`{role['skos:notation']}`" for role in code["skos:related"])
        lines.append("| " + " | ".join(_cell(c) for c in (code["skos:notation"], code["skos:prefLabel"],
                                                         code["skos:definition"], roles or "none")) + " |")
    return [*lines, ""]


def _table(table: dict) -> list[str]:
    schema = table["tableSchema"]
    lines = [f"## {table['url']}: {table['dc:title']}", "", table["dc:description"], "",
             "- Primary key: " + ", ".join(f"`{c}`" for c in schema["primaryKey"]) + "."]
    for fk in schema.get("foreignKeys", []):
        lines.append(f"- `{fk['columnReference']}` refers to `{fk['reference']['resource']}` "
                     f"(`{fk['reference']['columnReference']}`).")
    sources = _ids(table.get("dc:source"))
    if sources:
        lines.append("- Sources: " + ", ".join(f"<{s}>" for s in sources) + ".")
    if table.get("dc:bibliographicCitation"):
        lines.append(f"- Cite: {table['dc:bibliographicCitation']}")
    lines += ["", "| column | type | required | meaning | allowed values | term |", "|---|---|---|---|---|---|"]
    lines += [_column_row(c) for c in schema["columns"]]
    lines.append("")
    for note in table.get("notes", []):
        lines += _codes(note)
    return lines


def codebook_markdown(metadata: dict) -> str:
    lines = [f"# Codebook: {metadata['dc:title']}", "", metadata["dc:description"], "",
             "- Files: " + ", ".join(f"`{t['url']}`" for t in metadata["tables"])
             + ", described by `tables.csv-metadata.json` (CSV on the Web, https://www.w3.org/TR/tabular-metadata/). "
               "UTF-8, comma-separated, a header line; an empty cell is a missing value.",
             "- Licence: <" + _ids(metadata["dc:license"])[0] + ">. " + metadata["dc:rights"],
             "- Cite: " + metadata["dc:bibliographicCitation"],
             "- Sources: " + ", ".join(f"<{s}>" for s in _ids(metadata["dc:source"])) + ".",
             "- Part of: <" + _ids(metadata["dc:isPartOf"])[0] + ">.", ""]
    for table in metadata["tables"]:
        lines += _table(table)
    return "\n".join(lines).rstrip("\n") + "\n"


# Readable on a phone: long lines wrap, and a wide table scrolls sideways in a region a keyboard can reach.
STYLE = ("body{font-family:system-ui,sans-serif;line-height:1.45;max-width:70rem;margin:0 auto;padding:0 1rem}"
         "h1,h2,p,li{overflow-wrap:anywhere}"
         "code{overflow-wrap:anywhere}.table{overflow-x:auto}table{border-collapse:collapse}"
         "th,td{border:1px solid #bbb;padding:.25rem .5rem;text-align:left;vertical-align:top}")


def _scrolling_tables(body: str) -> str:
    """Each table in a named, focusable region that scrolls sideways (named after the section it is in)."""
    out, section = [], "Codebook"
    for part in re.split(r"(<h2>.*?</h2>|<table>)", body):
        if part.startswith("<h2>"):
            section = re.sub(r"<[^>]+>", "", part[4:-5])
        if part == "<table>":
            part = f'<div class="table" role="region" tabindex="0" aria-label="{html.escape(section)}"><table>'
        out.append(part)
    return "".join(out).replace("</table>", "</table></div>")


def codebook_html(metadata: dict) -> str:
    body = _scrolling_tables(markdown.markdown(codebook_markdown(metadata), extensions=["tables"]))
    title = html.escape(f"Codebook: {metadata['dc:title']}")
    return (f'<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">\n<title>{title}</title>\n'
            f"<style>{STYLE}</style>\n</head>\n<body>\n{body}\n</body>\n</html>\n")
