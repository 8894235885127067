"""``evaluation template``: write the fill-in workbook for municipalities whose sheets have no layout."""

from __future__ import annotations

from pathlib import Path

import click
from rich.markup import escape

from .. import actions
from .app import out, print_json
from .evaluation import FORMAT, evaluation


@evaluation.command("template")
@click.option("--output", "-o", required=True, type=click.Path(path_type=Path), help="The workbook to write (.xlsx).")
@click.option("--from", "records_from", multiple=True, type=click.Path(path_type=Path), metavar="PACKAGE_OR_YAML",
              help="Pre-fill with the records of a package, a folder of record YAML files or a record file "
                   "(repeatable).")
@click.option("--force", is_flag=True, help="Replace an existing OUTPUT.")
@click.option("--format", "-f", "fmt", type=FORMAT, default="text", show_default=True)
def template(output: Path, records_from: tuple[Path, ...], force: bool, fmt: str) -> None:
    """Write a fill-in template: one sheet per table of the evaluation contract (Japanese headers,
    drop-downs for the fixed vocabularies, a 説明 sheet and a 記入例 sheet).

    Fill it in and read it back with `evaluation import FILE.xlsx`. With --from, the sheets hold the
    given records: editing them in Excel and importing them back changes nothing that was not edited.
    """
    written = actions.evaluation_template(output, records_from=list(records_from) or None, force=force)
    if fmt == "json":
        print_json({"written": str(written), "from": [str(p) for p in records_from]})
        return
    out.print(f"書き込んだファイル: {escape(str(written))}")
