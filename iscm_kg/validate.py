"""SHACL validation of the built dataset (pySHACL), and the checks SHACL cannot express on a dataset
(every named graph of facts has its provenance)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from pyshacl import validate
from rdflib import Dataset, Graph, Literal, URIRef

from . import iris
from .namespaces import IDS, ISCM, PROV, RDF, SH
from .rdf_files import parse_turtle, turtle_files


@dataclass
class Finding:
    severity: str
    focus: str
    path: str
    message: str
    component: str = ""


@dataclass
class ValidationReport:
    graph: Graph
    findings: list[Finding] = field(default_factory=list)

    @property
    def violations(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "Violation"]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "Warning"]

    @property
    def infos(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "Info"]

    def text(self) -> str:
        lines = [f"SHACL validation: {len(self.violations)} violations, {len(self.warnings)} warnings, "
                 f"{len(self.infos)} infos"]
        for finding in sorted(self.findings, key=lambda f: ("VWI".index(f.severity[0]), f.focus, f.message)):
            lines.append(f"- {finding.severity}: {finding.focus}"
                         f"{' ' + finding.path if finding.path else ''}: {finding.message}")
        return "\n".join(lines)

    def triples(self, base: str) -> list:
        """The report as SHACL RDF with stable IRIs (no blank nodes), so the file is the same every build."""
        import hashlib

        import pyoxigraph as ox

        sh = "http://www.w3.org/ns/shacl#"
        N, L = ox.NamedNode, ox.Literal
        rdf_type = N("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
        report = N(base + "id/validation-report")
        out = [ox.Triple(report, rdf_type, N(sh + "ValidationReport")),
               ox.Triple(report, N(sh + "conforms"),
                         L("false" if self.violations else "true",
                           datatype=N("http://www.w3.org/2001/XMLSchema#boolean")))]
        for f in sorted(self.findings, key=lambda f: (f.focus, f.path, f.message)):
            key = hashlib.sha1(f"{f.focus} {f.path} {f.message}".encode()).hexdigest()[:16]
            node = N(f"{base}id/validation-report/{key}")
            out.append(ox.Triple(report, N(sh + "result"), node))
            out.append(ox.Triple(node, rdf_type, N(sh + "ValidationResult")))
            out.append(ox.Triple(node, N(sh + "resultSeverity"), N(sh + f.severity)))
            out.append(ox.Triple(node, N(sh + "focusNode"), N(f.focus)))
            out.append(ox.Triple(node, N(sh + "resultMessage"), L(f.message, language="en")))
            if f.component:
                out.append(ox.Triple(node, N(sh + "sourceConstraintComponent"), N(f.component)))
        return out

    def markdown(self) -> str:
        out = ["# Validation report", "",
               f"{len(self.violations)} violations, {len(self.warnings)} warnings, {len(self.infos)} infos.", "",
               "| severity | focus node | path | message |", "|---|---|---|---|"]
        for f in sorted(self.findings, key=lambda f: ("VWI".index(f.severity[0]), f.focus, f.message)):
            out.append(f"| {f.severity} | <{f.focus}> | {f.path} | {f.message.replace('|', '/')} |")
        return "\n".join(out) + "\n"


def union_graph(dataset: Dataset) -> Graph:
    union = Graph()
    for s, p, o, _ in dataset.quads((None, None, None, None)):
        union.add((s, p, o))
    return union


def validate_dataset(dataset: Dataset, ontology: Graph, shapes_dir: Path) -> ValidationReport:
    shapes = parse_turtle(turtle_files(shapes_dir))
    data = union_graph(dataset)
    _conforms, results, _text = validate(data, shacl_graph=shapes, ont_graph=None, inference="none",
                                         advanced=True, allow_warnings=True, allow_infos=True)
    report = ValidationReport(results)
    for result in results.subjects(RDF.type, SH.ValidationResult):
        severity = str(results.value(result, SH.resultSeverity)).rsplit("#", 1)[-1]
        report.findings.append(Finding(
            severity,
            str(results.value(result, SH.focusNode)),
            _short(results.value(result, SH.resultPath)),
            str(results.value(result, SH.resultMessage) or ""),
            str(results.value(result, SH.sourceConstraintComponent) or ""),
        ))
    for graph_iri, message in provenance_gaps(dataset):
        report.findings.append(Finding("Violation", str(graph_iri), "", message))
    return report


def provenance_gaps(dataset: Dataset) -> list[tuple[URIRef, str]]:
    """Named graphs holding facts but no provenance record: a fact without a source."""
    prov = dataset.graph(IDS.graph("provenance"))
    gaps = []
    for context in dataset.graphs():
        iri = context.identifier
        if iri == IDS.graph("provenance") or not len(context):
            continue
        if (iri, PROV.wasDerivedFrom, None) not in prov:
            gaps.append((iri, "This named graph has no prov:wasDerivedFrom: its facts have no source."))
    return gaps


def _short(node) -> str:
    return "" if node is None else iris.shorten(str(node))


__all__ = ["validate_dataset", "ValidationReport", "Finding", "union_graph", "ISCM", "Literal"]
