"""The ``rdf`` command: a package as DCAT-AP 3 (and its evaluation data) in Turtle, JSON-LD or RDF/XML.

Only prints or writes the file; the graph is built by ``opendata_pub.rdf``.
"""

from __future__ import annotations

from pathlib import Path

import click
from rich.markup import escape

from ..atomicfile import write_text
from ..rdf.formats import FORMATS
from .app import app, current_settings, err, write_data

__all__ = ["rdf"]


@app.command()
@click.argument("package", type=click.Path(path_type=Path))
@click.option("--format", "-f", "fmt", type=click.Choice(list(FORMATS)), default="turtle", show_default=True,
              help="RDF serialisation.")
@click.option("--output", "-o", type=click.Path(path_type=Path, dir_okay=False),
              help="Write to FILE (atomically) instead of standard output.")
@click.option("--base-url", help="Base URL of IRIs and download URLs (default: catalog.base_url of opendata.yaml).")
@click.option("--no-data", is_flag=True, help="DCAT-AP metadata only, without the evaluation data.")
def rdf(package: Path, fmt: str, output: Path | None, base_url: str | None, no_data: bool) -> None:
    """Write PACKAGE as RDF: DCAT-AP 3 for the catalog, dataset and distributions, and for an
    evaluation package its evaluation data in the opendata-pub vocabulary (eval:).

    IRIs and download URLs are {base}dataset/{package}… and {base}{package}/{path}; without
    --base-url or catalog.base_url the command stops with exit code 2.
    """
    settings = current_settings()
    from ..rdf import package_graph, serialize  # rdflib: imported when this command runs

    graph = package_graph(package, settings, base_url=base_url, include_data=not no_data)
    text = serialize(graph, fmt)
    if output is None:
        write_data(text if text.endswith("\n") else text + "\n")
        return
    write_text(output, text if text.endswith("\n") else text + "\n")
    err.print(f"書き出しました: {escape(str(output))} ({len(graph)} トリプル)")
