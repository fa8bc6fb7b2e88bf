"""One settings object for the build and the server (iscm_kg/settings.py), documented in one generated table."""

from __future__ import annotations

import pytest

from iscm_kg import settings
from iscm_kg.paths import ROOT


def test_the_settings_table_is_generated_from_the_settings() -> None:
    documented = (ROOT / "docs" / "settings.md").read_text(encoding="utf-8")
    assert documented == settings.markdown_table(), "run: python -m iscm_kg.settings > docs/settings.md"
    assert documented.count("\n| ") == len(settings.SETTINGS) + 1  # the header and one row per setting
    assert "| BASE_IRI | `ISCM_KG_BASE` | unset | The base IRI of a release" in documented


def test_a_setting_comes_from_its_variable_and_a_bad_value_names_it() -> None:
    assert settings.load_setting("BASE_IRI", {}) is None
    assert settings.load_setting("BASE_IRI", {"ISCM_KG_BASE": "http://example.org/kg/"}) == "http://example.org/kg/"
    assert settings.load_setting("QUERY_TIMEOUT", {"ISCM_KG_QUERY_TIMEOUT": "2.5"}) == 2.5
    with pytest.raises(ValueError, match="ISCM_KG_BASE: base IRI 'example.org' must be http"):
        settings.load_setting("BASE_IRI", {"ISCM_KG_BASE": "example.org"})
    with pytest.raises(ValueError, match="ISCM_KG_MAX_ROWS"):
        settings.load_config(environ={"ISCM_KG_MAX_ROWS": "many"})
    assert settings.load_config(environ={})["DIST"] == ROOT / "dist"
