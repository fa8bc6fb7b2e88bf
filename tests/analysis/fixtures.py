"""A small fixture world with metrics computed by hand (see the comments in the tests)."""

from __future__ import annotations

from iscm_kg.analysis.facts import Cooperation, Country, Facts, Mechanism, NamedOverlap, Organization, Role

M = "https://w3id.org/iscm/id/mechanism/"
S = "https://w3id.org/iscm/id/state/"
ORG = "https://w3id.org/iscm/id/organization/"
T = "https://w3id.org/iscm/id/theme/"
A, B, C, D, X = (M + k for k in ("a", "b", "c", "d", "x"))
S1, S2, S3, S4, S5 = (S + k for k in ("S1", "S2", "S3", "S4", "S5"))
O1, O2 = ORG + "o1", ORG + "o2"


def fixture_facts() -> Facts:
    """Mechanisms A, B (RCPs), C (IRF), D (global, no members), X (not an ISCM).

    A: members S1 S2 S3, former member S5; B: members S2 S3 S4; C: members S4 S5, observer S1.
    S1-S3 lie in "East", S4-S5 in "West". O1 is secretariat of A and B and observer of C; O2 partner of C.
    Themes: A {t1 t2 t3}, B {t2 t3 t4}, C {t4}. Cooperation B-C (joint meeting); A-B only wished for.
    A source names the overlap A-B in "East"."""
    countries = {}
    for iri, region in ((S1, "East"), (S2, "East"), (S3, "East"), (S4, "West"), (S5, "West")):
        key = iri.rsplit("/", 1)[-1]
        countries[iri] = Country(iri, f"State {key}", "state", key, "", "https://w3id.org/iscm/id/m49/1", "World",
                                 f"https://w3id.org/iscm/id/m49/{region.lower()}", region, 0.0, 0.0)
    roles = [Role(S1, A, "member"), Role(S2, A, "member"), Role(S3, A, "member"), Role(S5, A, "former-member"),
             Role(S2, B, "member"), Role(S3, B, "member"), Role(S4, B, "member"),
             Role(S4, C, "member"), Role(S5, C, "member"), Role(S1, C, "observer"),
             Role(O1, A, "secretariat", "organization"), Role(O1, B, "secretariat", "organization"),
             Role(O1, C, "observer", "organization"), Role(O2, C, "partner", "organization")]
    return Facts(
        mechanisms={A: Mechanism(A, "Alpha", "rcp", "A"), B: Mechanism(B, "Beta", "rcp", "B"),
                    C: Mechanism(C, "Gamma", "irf", "C"), D: Mechanism(D, "Delta", "global", "D"),
                    X: Mechanism(X, "Other", "other", "X")},
        countries=countries,
        organizations={O1: Organization(O1, "Org one", "O1", "igo"), O2: Organization(O2, "Org two", "O2", "igo")},
        roles=roles,
        themes={A: {T + "t1", T + "t2", T + "t3"}, B: {T + "t2", T + "t3", T + "t4"}, C: {T + "t4"}},
        theme_labels={T + f"t{i}": f"Theme {i}" for i in range(1, 5)},
        cooperations=[Cooperation("https://w3id.org/iscm/id/cooperation/b-c", "joint-meeting", (B, C)),
                      Cooperation("https://w3id.org/iscm/id/cooperation/a-b", "desired-collaboration", (A, B))],
        overlaps=[NamedOverlap("https://w3id.org/iscm/id/overlap/a-b", "East", (A, B))],
    )
