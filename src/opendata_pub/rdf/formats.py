"""The RDF serialisations we write, by our names (kept apart from serialization.py, which imports
rdflib, so that the CLI can list them without importing it)."""

from __future__ import annotations

__all__ = ["FORMATS", "MEDIA_TYPES"]

# Our format names → rdflib's serializer names.
FORMATS: dict[str, str] = {"turtle": "turtle", "json-ld": "json-ld", "xml": "xml"}  # xml: our own writer
MEDIA_TYPES: dict[str, str] = {
    "turtle": "text/turtle",
    "json-ld": "application/ld+json",
    "xml": "application/rdf+xml",
}
