"""Static pictures (matplotlib): PNG and SVG written, the same bytes twice."""

from __future__ import annotations

from iscm_kg.analysis.config import load_config
from iscm_kg.analysis.pictures import draw_all
from iscm_kg.analysis.pipeline import analyze

from .fixtures import fixture_facts


def test_pictures(tmp_path):
    config = load_config()
    one = draw_all(analyze(fixture_facts(), config), tmp_path / "one", ("png", "svg"))
    two = draw_all(analyze(fixture_facts(), config), tmp_path / "two", ("png", "svg"))
    assert len(one) == 18
    for a, b in zip(one, two, strict=True):
        assert a.stat().st_size > 1000
        assert a.read_bytes() == b.read_bytes(), a.name
    assert one[0].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert b"<svg" in one[1].read_bytes()[:1000]
