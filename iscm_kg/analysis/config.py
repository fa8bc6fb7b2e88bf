"""Settings of the network analyses: the defaults live in synergy.toml beside this module (documented in
docs/networks.md); a user file or ``NAME=VALUE`` overrides change any subset of them."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

DEFAULT_CONFIG = Path(__file__).with_name("synergy.toml")
COMPONENTS = ("membership", "themes", "organizations", "cooperation", "overlap")
MEASURES = ("jaccard", "overlap_coefficient", "cosine")
CORRECTIONS = ("fdr_bh", "bonferroni", "none")  # multiple-testing corrections of the backbone


@dataclass(frozen=True)
class Config:
    """Everything an analysis run depends on (so two runs with equal configs give equal bytes)."""

    weights: dict[str, float]
    membership_measure: str = "jaccard"
    min_shared_members: int = 3
    min_shared_themes: int = 3
    min_membership: float = 0.1
    ignore_cooperation_kinds: tuple[str, ...] = ("desired-collaboration",)
    top_candidates: int = 25
    role_weights: dict[str, float] = field(default_factory=dict)
    membership_roles: tuple[str, ...] = ("member",)
    organization_groups: dict[str, tuple[str, ...]] = field(default_factory=dict)
    organization_weights: dict[str, float] = field(default_factory=dict)
    organization_synergy_groups: tuple[str, ...] = ()
    seed: int = 42
    resolution: float = 1.0
    betweenness_max_work: int = 5_000_000
    betweenness_min_pivots: int = 16
    region_min_shared: int = 2
    min_theme_similarity: float = 0.0
    min_synergy: float = 0.0
    backbone_alpha: float = 0.05
    backbone_correction: str = "fdr_bh"

    def organization_group(self, role: str) -> str | None:
        """The group ("secretariat", "support", ...) of an organization's role, None if not in the network."""
        for group, roles in self.organization_groups.items():
            if role in roles:
                return group
        return None

    def as_dict(self) -> dict[str, Any]:
        """The settings as plain data (recorded in dist/networks/summary.json)."""
        return {
            "synergy": {**self.weights, "membership_measure": self.membership_measure},
            "candidates": {
                "min_shared_members": self.min_shared_members,
                "min_shared_themes": self.min_shared_themes,
                "min_membership": self.min_membership,
                "ignore_kinds": list(self.ignore_cooperation_kinds),
                "top": self.top_candidates,
            },
            "roles": dict(self.role_weights),
            "membership": {"roles": list(self.membership_roles)},
            "organizations": {k: list(v) for k, v in self.organization_groups.items()},
            "organization_weights": dict(self.organization_weights),
            "organization_synergy": {"groups": list(self.organization_synergy_groups)},
            "metrics": {
                "seed": self.seed,
                "resolution": self.resolution,
                "betweenness_max_work": self.betweenness_max_work,
                "betweenness_min_pivots": self.betweenness_min_pivots,
            },
            "regions": {"min_shared": self.region_min_shared},
            "sparsify": {"min_theme_similarity": self.min_theme_similarity, "min_synergy": self.min_synergy},
            "backbone": {"alpha": self.backbone_alpha, "correction": self.backbone_correction},
        }


def _merge(base: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


def _parse_value(text: str) -> Any:
    try:
        return tomllib.loads(f"v = {text}")["v"]
    except tomllib.TOMLDecodeError:
        return text


def load_config(path: Path | None = None, overrides: dict[str, str] | None = None) -> Config:
    """The defaults, then ``path`` (TOML, any subset of the keys), then ``overrides`` ("section.key" or a
    synergy weight name -> value as TOML text, e.g. {"themes": "0.5", "candidates.top": "10"})."""
    data = tomllib.loads(DEFAULT_CONFIG.read_text(encoding="utf-8"))
    if path is not None:
        data = _merge(data, tomllib.loads(Path(path).read_text(encoding="utf-8")))
    for name, raw in (overrides or {}).items():
        section, _, key = name.rpartition(".")
        section = section or "synergy"
        if section not in data:
            raise ValueError(f"unknown setting {name!r}")
        data[section][key] = _parse_value(raw)
    return from_dict(data)


def from_dict(data: dict[str, Any]) -> Config:
    """A Config from the parsed TOML structure (checked: unknown weights, negative weights, bad measure)."""
    synergy = dict(data["synergy"])
    measure = str(synergy.pop("membership_measure", "jaccard"))
    if measure not in MEASURES:
        raise ValueError(f"membership_measure must be one of {', '.join(MEASURES)}, not {measure!r}")
    unknown = set(synergy) - set(COMPONENTS)
    if unknown:
        raise ValueError(f"unknown synergy weight(s) {', '.join(sorted(unknown))}; known: {', '.join(COMPONENTS)}")
    weights = {name: float(synergy.get(name, 0.0)) for name in COMPONENTS}
    if any(w < 0 for w in weights.values()) or sum(weights.values()) <= 0:
        raise ValueError("synergy weights must be >= 0 and not all 0")
    candidates = data.get("candidates", {})
    metrics = data.get("metrics", {})
    backbone = data.get("backbone", {})
    alpha, correction = float(backbone.get("alpha", 0.05)), str(backbone.get("correction", "fdr_bh"))
    if not 0 < alpha <= 1:
        raise ValueError(f"backbone alpha must be in (0, 1], not {alpha}")
    if correction not in CORRECTIONS:
        raise ValueError(f"backbone correction must be one of {', '.join(CORRECTIONS)}, not {correction!r}")
    return Config(
        weights=weights,
        membership_measure=measure,
        min_shared_members=int(candidates.get("min_shared_members", 3)),
        min_shared_themes=int(candidates.get("min_shared_themes", 3)),
        min_membership=float(candidates.get("min_membership", 0.1)),
        ignore_cooperation_kinds=tuple(candidates.get("ignore_kinds", ())),
        top_candidates=int(candidates.get("top", 25)),
        role_weights={k: float(v) for k, v in data.get("roles", {}).items()},
        membership_roles=tuple(data.get("membership", {}).get("roles", ("member",))),
        organization_groups={k: tuple(v) for k, v in data.get("organizations", {}).items()},
        organization_weights={k: float(v) for k, v in data.get("organization_weights", {}).items()},
        organization_synergy_groups=tuple(data.get("organization_synergy", {}).get("groups", ())),
        seed=int(metrics.get("seed", 42)),
        resolution=float(metrics.get("resolution", 1.0)),
        betweenness_max_work=int(metrics.get("betweenness_max_work", 5_000_000)),
        betweenness_min_pivots=int(metrics.get("betweenness_min_pivots", 16)),
        region_min_shared=int(data.get("regions", {}).get("min_shared", 2)),
        min_theme_similarity=float(data.get("sparsify", {}).get("min_theme_similarity", 0.0)),
        min_synergy=float(data.get("sparsify", {}).get("min_synergy", 0.0)),
        backbone_alpha=alpha,
        backbone_correction=correction,
    )


def default_config() -> Config:
    return load_config()
