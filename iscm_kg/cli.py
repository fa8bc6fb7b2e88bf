"""The command line: iscm-kg build | validate | query | serve | analyze."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import click

from .errors import DataError, DataErrors
from .paths import DATA, ONTOLOGY, SHAPES, default_dist


def _fail(exc: Exception) -> None:
    click.echo(f"error: {exc}" if isinstance(exc, DataError) else str(exc), err=True)
    sys.exit(1)


@click.group()
@click.version_option(package_name="iscm-kg")
def main() -> None:
    """The ISCM knowledge graph: build it, validate it, query it, serve it."""


@main.command()
@click.option("--data", "data_dir", type=click.Path(path_type=Path, file_okay=False), default=DATA,
              show_default=True, help="Folder of curated tables.")
@click.option("--shapes", "shapes_dir", type=click.Path(path_type=Path, file_okay=False), default=SHAPES,
              show_default=True)
@click.option("--ontology", "ontology_dir", type=click.Path(path_type=Path, file_okay=False), default=ONTOLOGY,
              show_default=True)
@click.option("--dist", type=click.Path(path_type=Path), default=None,
              help="Release folder to write (default: ISCM_KG_DIST or ./dist).")
def build(data_dir: Path, shapes_dir: Path, ontology_dir: Path, dist: Path | None) -> None:
    """Build the graph, validate it, and write the release into dist/ (all or nothing)."""
    from .release import write_release

    started = time.perf_counter()
    try:
        summary = write_release(data_dir, ontology_dir, shapes_dir, dist or default_dist(), echo=click.echo)
    except (DataError, DataErrors) as exc:
        _fail(exc)
        return
    click.echo(f"built {summary['triples']} triples in {summary['graphs']} named graphs in "
               f"{time.perf_counter() - started:.1f} s; validation: {summary['violations']} violations, "
               f"{summary['warnings']} warnings; release {summary['dataset_version']}: {summary['path']}")


@main.command()
@click.option("--data", "data_dir", type=click.Path(path_type=Path, file_okay=False), default=DATA,
              show_default=True, help="Folder of curated tables.")
@click.option("--shapes", "shapes_dir", type=click.Path(path_type=Path, file_okay=False), default=SHAPES,
              show_default=True)
@click.option("--ontology", "ontology_dir", type=click.Path(path_type=Path, file_okay=False), default=ONTOLOGY,
              show_default=True)
def validate(data_dir: Path, shapes_dir: Path, ontology_dir: Path) -> None:
    """Build in memory and check the data with the SHACL shapes; writes nothing. Exit 1 on violations."""
    from .build import build_dataset
    from .validate import validate_dataset

    try:
        result = build_dataset(data_dir, ontology_dir)
        report = validate_dataset(result.dataset, result.ontology, shapes_dir)
    except (DataError, DataErrors) as exc:
        _fail(exc)
        return
    click.echo(report.text())
    if report.violations:
        sys.exit(1)


@main.command()
@click.argument("query", required=False)
@click.option("--file", "query_file", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="A .rq file, or the name of a file in queries/.")
@click.option("--param", "params", multiple=True, metavar="NAME=VALUE", help="Value for a query parameter.")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "tsv", "json", "xml"]), default="table",
              show_default=True)
@click.option("--dist", type=click.Path(path_type=Path), default=None)
def query(query: str | None, query_file: Path | None, params: tuple[str, ...], fmt: str, dist: Path | None) -> None:
    """Run a SPARQL query on the built store (natively, in Oxigraph)."""
    from .querying import run_cli_query

    try:
        run_cli_query(query, query_file, params, fmt, dist or default_dist(), click.echo)
    except (DataError, ValueError, FileNotFoundError) as exc:
        _fail(exc)


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--workers", default=2, show_default=True, type=int)
@click.option("--dist", type=click.Path(path_type=Path), default=None)
@click.option("--backend-url", default=None, help="Use a remote SPARQL 1.1 endpoint instead of the store.")
def serve(host: str, port: int, workers: int, dist: Path | None, backend_url: str | None) -> None:
    """Serve the SPARQL endpoint (and the rest of the web app) with a production WSGI server."""
    from server.serve import run

    run(host=host, port=port, workers=workers, dist=dist or default_dist(), backend_url=backend_url)


@main.command()
@click.option("--dist", type=click.Path(path_type=Path), default=None,
              help="Release to analyse (default: ISCM_KG_DIST or ./dist); its store is opened read-only.")
@click.option("--out", type=click.Path(path_type=Path, file_okay=False), default=None,
              help="Folder to write (default: DIST/networks).")
@click.option("--png", is_flag=True, help="Also draw the pictures as PNG (into OUT/pictures).")
@click.option("--svg", is_flag=True, help="Also draw the pictures as SVG (into OUT/pictures).")
@click.option("--config", "config_file", type=click.Path(path_type=Path, dir_okay=False, exists=True), default=None,
              help="A TOML file overriding settings of iscm_kg/analysis/synergy.toml.")
@click.option("--set", "settings", multiple=True, metavar="NAME=VALUE",
              help="Override one setting, e.g. --set themes=0.5 --set candidates.top=10.")
def analyze(dist: Path | None, out: Path | None, png: bool, svg: bool, config_file: Path | None,
            settings: tuple[str, ...]) -> None:
    """Overlap and synergy networks: re-run the analysis on the release's store and write networks (JSON, GEXF,
    GraphML, CSV) and, with --png/--svg, pictures. The store is not modified."""
    from .analysis import analyze_release, load_config

    started = time.perf_counter()
    try:
        overrides = {}
        for item in settings:
            name, sep, value = item.partition("=")
            if not sep:
                raise ValueError(f"--set {item!r}: write NAME=VALUE")
            overrides[name.strip()] = value.strip()
        config = load_config(config_file, overrides)
        result, paths = analyze_release(dist or default_dist(), out, png=png, svg=svg, config=config)
    except (ValueError, FileNotFoundError, OSError) as exc:
        _fail(exc)
        return
    for name, summary in result.summaries.items():
        click.echo(f"{name:22} {summary['nodes']:5} nodes {summary['edges']:6} edges  "
                   f"{summary['communities']:3} communities (modularity {summary['modularity']:.3f})")
    click.echo("top overlaps (Jaccard): " + "; ".join(
        f"{row['a_label']}-{row['b_label']} {row['jaccard']:.2f}" for row in result.tables["top_overlaps"][:5]))
    click.echo("candidate synergies: " + "; ".join(
        f"{row['a_label']}-{row['b_label']} {row['synergy']:.2f}" for row in result.tables["candidate_synergies"][:5]))
    folder = paths[0].parent if paths else out
    click.echo(f"wrote {len(paths)} files to {folder} in {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
