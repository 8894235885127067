"""IRIs of what opendata-pub describes, minted from ids under the catalog's base URL.

Every dataset, distribution and evaluation row gets an IRI built from its id (no blank nodes), so
the same package always gives the same graph, and a file's URL is where the static catalog or the
portal will serve it:

    catalog           {base}catalog
    dataset           {base}dataset/{package}
    distribution      {base}dataset/{package}/resource/{resource}
    publisher         {base}publisher/{全国地方公共団体コード}
    file (download)   {base}{package}/{path}
    evaluation rows   {dataset}/evaluation/{evaluation_id}, {dataset}/program/{program_id},
                      {dataset}/staffing/{staffing_id}, {dataset}/assessment/{assessment_id} …
    grade scale       {dataset}/grade-scale, {dataset}/grade-scale/{value} (a publisher's own grades)
    auxiliary nodes   {dataset}#temporal, #contact, #provenance, {distribution}#checksum

``base`` always ends with a slash. Pure: no I/O.
"""

from __future__ import annotations

from urllib.parse import quote, unquote

from rdflib import URIRef

from ..config import Settings
from ..errors import UsageError
from .terms import iri, iri_problem

__all__ = [
    "PLACEHOLDER_BASE_URL",
    "base_from_dataset",
    "catalog_iri",
    "dataset_iri",
    "distribution_iri",
    "file_url",
    "path_from_file_url",
    "publisher_iri",
    "resolve_base_url",
    "segment",
]

# Used only when validating a package whose project has no catalog.base_url: the SHACL layer needs
# absolute IRIs, and ".invalid" (RFC 6761) can never be mistaken for a real place.
PLACEHOLDER_BASE_URL = "https://example.invalid/"


def resolve_base_url(settings: Settings | None, override: str | None = None) -> str:
    """The base URL to mint IRIs under: ``override`` (``--base-url``), else ``catalog.base_url``."""
    base = override or (settings.catalog.base_url if settings is not None else None)
    if not base:
        raise UsageError(
            "公開先の URL (base URL) がわかりません。RDF の IRI とダウンロード URL の基点になります",
            hint="opendata.yaml の catalog.base_url に書くか、--base-url https://… を指定してください",
        )
    if not base.lower().startswith(("http://", "https://")):
        raise UsageError(f"base URL は http(s) の URL でなければなりません: {base!r}")
    problem = iri_problem(base)
    if problem is not None:  # every IRI is minted under it: one bad character breaks them all
        raise UsageError(f"base URL を IRI にできません: {problem}: {base!r}",
                         hint="opendata.yaml の catalog.base_url か --base-url を直してください")
    return base if base.endswith("/") else base + "/"


def segment(value: str) -> str:
    """One path segment from an id: reserved characters percent-encoded, so ids cannot add levels."""
    return quote(value, safe="-._~", errors="surrogatepass")


def catalog_iri(base: str) -> URIRef:
    return URIRef(f"{base}catalog")


def dataset_iri(base: str, package: str) -> URIRef:
    return URIRef(f"{base}dataset/{segment(package)}")


def distribution_iri(dataset: URIRef, resource: str) -> URIRef:
    return URIRef(f"{dataset}/resource/{segment(resource)}")


def publisher_iri(base: str, code: str) -> URIRef:
    return URIRef(f"{base}publisher/{segment(code)}")


def file_url(base: str, package: str, path: str) -> URIRef:
    """Where the file ``path`` of ``package`` is served; a path that already is a URL stays as is."""
    if "://" in path:
        return iri(path)  # a remote file: its URL as written, when it can be an IRI at all
    return URIRef(f"{base}{segment(package)}/{quote(path, safe='/-._~', errors='surrogatepass')}")


def path_from_file_url(url: str, base: str | None, package: str) -> str:
    """The package-relative path of a file URL (inverse of ``file_url``); other URLs stay whole."""
    if base is not None:
        prefix = f"{base}{segment(package)}/"
        if url.startswith(prefix):
            return unquote(url[len(prefix):])
    return url


def base_from_dataset(dataset: str, package: str) -> str | None:
    """The base URL a dataset IRI was minted under, or None for a dataset IRI not of ours."""
    suffix = f"dataset/{segment(package)}"
    return dataset[: -len(suffix)] if dataset.endswith(suffix) else None
