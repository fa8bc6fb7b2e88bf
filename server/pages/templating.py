"""How pages are rendered: the template globals and filters (shared with the other blueprints' pages,
which extend the same base.html) and ``render``."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import Blueprint, Response, render_template
from flask.sansio.blueprints import BlueprintSetupState
from markupsafe import Markup, escape

from ..dataset import base_iri, build_info, data_href, page_href, short
from .common import Row, val


def render(template: str, **context: Any) -> Response:
    """An HTML page from a template."""
    return Response(render_template(template, **context), content_type="text/html; charset=utf-8")


def doc_label(row: Row) -> str:
    """The name of a source's document, from its IRI (``…/document/report`` is the assessment report)."""
    doc = val(row, "doc") or ""
    key = doc.rstrip("/").rsplit("/", 1)[-1]
    return {"report": "Assessment report"}.get(key, key.replace("-", " "))


def source_href(row: Row) -> str:
    """Where a source is shown: the cited line of the text copy, or the locator's page."""
    doc, line = val(row, "doc"), val(row, "line")
    if doc and line and doc.startswith(base_iri() + "id/document/"):
        return f"/source/{doc.rsplit('/', 1)[-1]}?line={line}#L{line}"
    loc = val(row, "loc")
    return page_href(loc) if loc else "#"


def multiline(text: str) -> Markup:
    """Text that keeps its line breaks (the span's CSS shows them)."""
    if "\n" not in str(text):
        return escape(text)
    return Markup('<span class="multiline">') + escape(text) + Markup("</span>")


def host(url: str) -> str:
    """A URL shortened to host and path, for link texts."""
    parts = urlsplit(url)
    return (parts.netloc + parts.path)[:60] or url


def filesize(size: int) -> str:
    """A size in bytes, KB, MB or GB (decimal units)."""
    value = float(size)
    for unit in ("bytes", "KB", "MB"):
        if value < 1000:
            return f"{int(value)} {unit}" if unit == "bytes" else f"{value:.1f} {unit}"
        value /= 1000
    return f"{value:.1f} GB"


def site_globals() -> dict[str, Any]:
    """Variables every page's layout reads: the base IRI and the release's version and validation."""
    info = build_info()
    return {
        "base": base_iri(),
        "site": {
            "dataset_version": info.get("dataset_version"),
            "built_at": info.get("built_at"),
            "conforms": info.get("conforms"),
        },
    }


def register(bp: Blueprint) -> None:
    """Install the globals, context processor and filters on the app that registers ``bp``."""

    def install_globals(state: BlueprintSetupState) -> None:
        # Globals, not a context processor: macros imported without context see them too.
        state.app.jinja_env.globals.update(
            href=page_href, data_href=data_href, short=short, source_href=source_href, doc_label=doc_label
        )

    bp.record_once(install_globals)
    bp.app_context_processor(site_globals)
    bp.add_app_template_filter(multiline, "multiline")
    bp.add_app_template_filter(host, "host")
    bp.add_app_template_filter(filesize, "filesize")
