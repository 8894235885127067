"""`opendata-pub validate` starts without the libraries only other commands need (lazyexports.py)."""

from __future__ import annotations

import subprocess
import sys

from opendata_pub import actions
from opendata_pub.cli import publish as cli_publish
from opendata_pub.portals import pull, static


def test_the_cli_and_validation_import_no_rdflib_pyshacl_requests_or_pandas() -> None:
    code = ("import sys, opendata_pub.cli, opendata_pub.validation.validator, opendata_pub.validation.cell_rules, "
            "opendata_pub.packaging.columnar; "
            "print(sorted(m for m in ('rdflib', 'pyshacl', 'requests', 'pandas', 'openpyxl') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == "[]"


def test_constants_copied_to_stay_light_agree_with_their_owners() -> None:
    assert actions.DEFAULT_TIMEOUT == pull.DEFAULT_TIMEOUT
    assert actions.MAX_FILE_BYTES == pull.MAX_FILE_BYTES
    assert cli_publish._FOLDER_KIND == static.StaticTarget.kind


def test_lazy_package_names_resolve_and_are_listed() -> None:
    import opendata_pub.portals as portals
    import opendata_pub.rdf as rdf
    import opendata_pub.records as records

    for package in (portals, rdf, records):
        for name in package.__all__:
            assert getattr(package, name) is not None, (package.__name__, name)
            assert name in dir(package)
    assert records.Record is records.EvaluationRecord
