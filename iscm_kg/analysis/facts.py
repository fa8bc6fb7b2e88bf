"""The facts the networks are made of, read from the store through the `network-*.rq` files of queries/ (never
from data/). Plain records, so tests can build small fixture networks by hand without a store."""

from __future__ import annotations

from dataclasses import dataclass, field

import pyoxigraph as ox

from ..namespaces import ISCM
from ..paths import QUERIES
from ..querying import load_query

# The class of a mechanism -> its type in the networks.
MECHANISM_TYPES = {
    str(ISCM.RegionalConsultativeProcess): "rcp",
    str(ISCM.InterregionalForum): "irf",
    str(ISCM.GlobalProcess): "global",
}
ISCM_TYPES = frozenset(MECHANISM_TYPES.values())
COUNTRY_KINDS = {str(ISCM.State): "state", str(ISCM.Territory): "territory"}
PARTY_KINDS = {**COUNTRY_KINDS, str(ISCM.Organization): "organization", str(ISCM.StateGroup): "group"}


@dataclass(frozen=True)
class Mechanism:
    iri: str
    label: str
    type: str  # rcp | irf | global | other
    acronym: str = ""
    annex2: int | None = None
    declared: int | None = None
    listed: int | None = None
    regions: tuple[str, ...] = ()

    @property
    def is_iscm(self) -> bool:
        return self.type in ISCM_TYPES

    @property
    def short(self) -> str:
        return self.acronym or self.label


@dataclass(frozen=True)
class Country:
    iri: str
    label: str
    kind: str = "state"  # state | territory
    iso3: str = ""
    numeric: str = ""
    region: str = ""
    region_label: str = ""
    subregion: str = ""
    subregion_label: str = ""
    lat: float | None = None
    long: float | None = None

    @property
    def short(self) -> str:
        return self.iso3 or self.label


@dataclass(frozen=True)
class Organization:
    iri: str
    label: str
    acronym: str = ""
    kind: str = ""
    kind_label: str = ""

    @property
    def short(self) -> str:
        return self.acronym or self.label


@dataclass(frozen=True)
class Role:
    """A role a party holds in a mechanism (one per party, mechanism and role; several sources merged)."""

    party: str
    mechanism: str
    role: str  # key of the role concept: member, observer, partner, secretariat, ...
    party_kind: str = "state"  # state | territory | organization | group
    sources: int = 1
    first_as_of: str = ""
    last_as_of: str = ""


@dataclass(frozen=True)
class Cooperation:
    iri: str
    kind: str
    parties: tuple[str, ...]
    kind_label: str = ""
    description: str = ""


@dataclass(frozen=True)
class NamedOverlap:
    iri: str
    region: str
    parties: tuple[str, ...]


@dataclass(frozen=True)
class ReportedCount:
    """A statement of the report: the State is a member of ``value`` ISCMs (survey answers)."""

    statement: str
    party: str
    value: int
    text: str = ""
    line: int | None = None


@dataclass
class Facts:
    mechanisms: dict[str, Mechanism] = field(default_factory=dict)
    countries: dict[str, Country] = field(default_factory=dict)
    organizations: dict[str, Organization] = field(default_factory=dict)
    roles: list[Role] = field(default_factory=list)
    themes: dict[str, set[str]] = field(default_factory=dict)  # mechanism -> theme IRIs
    theme_labels: dict[str, str] = field(default_factory=dict)
    cooperations: list[Cooperation] = field(default_factory=list)
    overlaps: list[NamedOverlap] = field(default_factory=list)
    reported_counts: list[ReportedCount] = field(default_factory=list)

    @property
    def iscms(self) -> list[str]:
        """The IRIs of the ISCMs (RCPs, IRFs, global processes), sorted."""
        return sorted(iri for iri, m in self.mechanisms.items() if m.is_iscm)

    def label(self, iri: str) -> str:
        for table in (self.mechanisms, self.countries, self.organizations):
            if iri in table:
                return table[iri].label
        return self.theme_labels.get(iri, iri.rstrip("/").rsplit("/", 1)[-1])

    def short(self, iri: str) -> str:
        for table in (self.mechanisms, self.countries, self.organizations):
            if iri in table:
                return table[iri].short
        return self.label(iri)


# --- reading them from a store ----------------------------------------------------------------------


def select(store: ox.Store, name: str, params: dict[str, str] | None = None) -> list[dict[str, str]]:
    """Run queries/{name}.rq on the store (its default graph: the union of the named graphs); rows as
    {variable: lexical value}, unbound variables left out."""
    query = load_query(QUERIES / f"{name}.rq")
    solutions = store.query(query.bind(params or {}))
    names = [v.value for v in solutions.variables]  # type: ignore[union-attr]
    rows = []
    for solution in solutions:  # type: ignore[union-attr]
        row = {}
        for n in names:
            term = solution[n]
            if term is not None:
                row[n] = term.value
        rows.append(row)
    return rows


def _key(iri: str) -> str:
    return iri.rstrip("/").rsplit("/", 1)[-1]


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except ValueError:
        return None


def _float(value: str | None) -> float | None:
    try:
        return float(value) if value not in (None, "") else None
    except ValueError:
        return None


def load_facts(store: ox.Store) -> Facts:
    """Everything the analyses need, from the store, through the network-*.rq queries."""
    facts = Facts()
    for row in select(store, "network-mechanisms"):
        iri = row["mechanism"]
        kind = MECHANISM_TYPES.get(row["class"], "other")
        old = facts.mechanisms.get(iri)
        if old is not None and old.is_iscm:  # typed twice: keep the ISCM type
            continue
        regions = tuple(sorted(r for r in row.get("regions", "").split("|") if r))
        facts.mechanisms[iri] = Mechanism(iri, row["label"], kind, row.get("acronym", ""), _int(row.get("annex2")),
                                          _int(row.get("declared")), _int(row.get("listed")), regions)
    for row in select(store, "network-countries"):
        iri = row["country"]
        if iri in facts.countries:
            continue
        facts.countries[iri] = Country(
            iri, row["label"], COUNTRY_KINDS.get(row["class"], "state"), row.get("iso3", ""), row.get("numeric", ""),
            row.get("region", ""), row.get("regionLabel", ""), row.get("subregion", ""),
            row.get("subregionLabel", ""), _float(row.get("lat")), _float(row.get("long")))
    for row in select(store, "network-organizations"):
        facts.organizations[row["organization"]] = Organization(
            row["organization"], row["label"], row.get("acronym", ""), _key(row.get("kind", "")),
            row.get("kindLabel", ""))
    for row in select(store, "network-roles"):
        facts.roles.append(Role(row["party"], row["mechanism"], _key(row["role"]),
                                PARTY_KINDS.get(row["partyClass"], "other"), int(row.get("sources", "1")),
                                row.get("firstAsOf", ""), row.get("lastAsOf", "")))
    for row in select(store, "network-themes"):
        facts.themes.setdefault(row["mechanism"], set()).add(row["theme"])
        facts.theme_labels[row["theme"]] = row["themeLabel"]
    cooperations: dict[str, dict] = {}
    for row in select(store, "network-cooperations"):
        entry = cooperations.setdefault(row["cooperation"], {"kind": _key(row.get("kind", "")),
                                                             "label": row.get("kindLabel", ""),
                                                             "description": row.get("description", ""),
                                                             "parties": set()})
        entry["parties"].add(row["party"])
    facts.cooperations = [Cooperation(iri, e["kind"], tuple(sorted(e["parties"])), e["label"], e["description"])
                          for iri, e in sorted(cooperations.items())]
    overlaps: dict[str, dict] = {}
    for row in select(store, "network-overlaps"):
        overlaps.setdefault(row["overlap"], {"region": row.get("region", ""), "parties": set()})["parties"].add(
            row["party"])
    facts.overlaps = [NamedOverlap(iri, e["region"], tuple(sorted(e["parties"])))
                      for iri, e in sorted(overlaps.items())]
    facts.reported_counts = [ReportedCount(row["statement"], row["state"], int(row["value"]), row.get("text", ""),
                                           _int(row.get("line")))
                             for row in select(store, "network-reported-iscm-counts")]
    return facts
