"""The RDF vocabularies opendata-pub writes, as rdflib namespace objects.

Terms are reached only through these objects (never as IRI strings elsewhere), so a typo is an
error at import time rather than a silently wrong triple. rdflib's own ``DCAT`` is DCAT 2 and warns
on DCAT 3 terms such as ``dcat:version``; ``DCAT`` here declares the DCAT 3 terms we use. ``EVAL``
is our own vocabulary (``vocab/eval.ttl`` and ``vocab/schemes.ttl``); a test keeps its term list
equal to the Turtle.

The EU authority tables (data themes, frequencies, languages, file types) are open namespaces: their
codes come from ``metadata.vocabularies`` and from the descriptor.
"""

from __future__ import annotations

from rdflib import Namespace, URIRef
from rdflib.namespace import (
    DCTERMS,
    FOAF,
    OWL,
    QB,
    RDF,
    RDFS,
    SH,
    SKOS,
    XSD,
    DefinedNamespace,
)
from rdflib.term import Node

from ..metadata.vocabularies import FREQUENCY_BASE, LANGUAGE_BASE, THEME_BASE

__all__ = [
    "HYDRA",
    "ADMS_LICENCE_TYPE",
    "ADMS_PUBLISHER_TYPE",
    "DCAT",
    "DCATAP",
    "DCTERMS",
    "ESTAT_SAC",
    "EU_FILE_TYPE",
    "EU_FREQUENCY",
    "EU_LANGUAGE",
    "EU_THEME",
    "EVAL",
    "EVAL_NS",
    "EVAL_ONTOLOGY",
    "FOAF",
    "IANA_MEDIA_TYPES",
    "OWL",
    "PREFIXES",
    "QB",
    "RDF",
    "RDFS",
    "SKOS",
    "SPDX",
    "VCARD",
    "XSD",
    "curie",
]


class HYDRA(DefinedNamespace):
    """Hydra Core (http://www.w3.org/ns/hydra/core#): the paging terms ckanext-dcat reads and writes."""

    _NS = Namespace("http://www.w3.org/ns/hydra/core#")
    _fail = True

    PagedCollection: URIRef
    totalItems: URIRef
    itemsPerPage: URIRef
    first: URIRef
    last: URIRef
    next: URIRef
    previous: URIRef
    firstPage: URIRef  # deprecated in Hydra; ckanext-dcat still writes and reads them
    lastPage: URIRef
    nextPage: URIRef
    previousPage: URIRef


class DCAT(DefinedNamespace):
    """DCAT 3 (https://www.w3.org/TR/vocab-dcat-3/): the terms opendata-pub uses."""

    _NS = Namespace("http://www.w3.org/ns/dcat#")
    _fail = True

    Catalog: URIRef
    Dataset: URIRef
    Distribution: URIRef
    accessURL: URIRef
    bbox: URIRef
    byteSize: URIRef
    centroid: URIRef
    contactPoint: URIRef
    dataset: URIRef
    distribution: URIRef
    downloadURL: URIRef
    endDate: URIRef
    keyword: URIRef
    landingPage: URIRef
    mediaType: URIRef
    startDate: URIRef
    theme: URIRef
    themeTaxonomy: URIRef
    version: URIRef  # new in DCAT 3 (rdflib's DCAT namespace warns on it)


class DCATAP(DefinedNamespace):
    """DCAT-AP's own namespace (ends in a slash, unlike most)."""

    _NS = Namespace("http://data.europa.eu/r5r/")
    _fail = True

    availability: URIRef
    applicableLegislation: URIRef


class SPDX(DefinedNamespace):
    """SPDX terms for checksums (DCAT-AP ``spdx:checksum``)."""

    _NS = Namespace("http://spdx.org/rdf/terms#")
    _fail = True

    Checksum: URIRef
    ChecksumAlgorithm: URIRef
    algorithm: URIRef
    checksum: URIRef
    checksumValue: URIRef
    checksumAlgorithm_md5: URIRef
    checksumAlgorithm_sha1: URIRef
    checksumAlgorithm_sha256: URIRef


class VCARD(DefinedNamespace):
    """vCard in RDF (contact points); rdflib 7 ships no vCard namespace."""

    _NS = Namespace("http://www.w3.org/2006/vcard/ns#")
    _fail = True

    Kind: URIRef
    Organization: URIRef
    fn: URIRef
    hasEmail: URIRef
    hasTelephone: URIRef
    hasURL: URIRef


EVAL_NS = "https://w3id.org/opendata-pub/ns/eval#"  # the one place our namespace IRI is written in code
EVAL_ONTOLOGY = URIRef(EVAL_NS.rstrip("#"))


class EVAL(DefinedNamespace):
    """opendata-pub's vocabulary for evaluation data (vocab/eval.ttl, vocab/schemes.ttl)."""

    _NS = Namespace(EVAL_NS)
    _fail = True

    # classes
    Evaluation: URIRef
    Program: URIRef
    CostEntry: URIRef
    Indicator: URIRef
    IndicatorValue: URIRef
    Challenge: URIRef
    Narrative: URIRef
    StaffingEntry: URIRef
    Assessment: URIRef
    SourceDocument: URIRef  # a package's source: rdfs:subClassOf dcat:Dataset
    # links
    hasEvaluation: URIRef
    hasProgram: URIRef
    hasCost: URIRef
    hasIndicator: URIRef
    hasChallenge: URIRef
    hasNarrative: URIRef
    hasStaffing: URIRef
    hasAssessment: URIRef
    indicatorValues: URIRef
    program: URIRef
    # evaluations
    municipalityCode: URIRef
    municipalityName: URIRef
    fiscalYear: URIRef
    fiscalYearLabel: URIRef
    level: URIRef
    policyCode: URIRef
    policyName: URIRef
    leadDepartment: URIRef
    leadSection: URIRef
    grade: URIRef
    gradeReason: URIRef
    policyAreaCode: URIRef
    policyAreaName: URIRef
    basicProgramCode: URIRef
    basicProgramName: URIRef
    reformDirection: URIRef
    contactTeam: URIRef
    contactManager: URIRef
    contactPerson: URIRef
    contactPhone: URIRef
    contactExtension: URIRef
    # programmes
    programNo: URIRef
    programName: URIRef
    directionNo: URIRef
    directionName: URIRef
    section: URIRef
    department: URIRef
    programCode: URIRef
    # costs
    stage: URIRef
    category: URIRef
    amountJPY: URIRef
    # staffing
    staffCount: URIRef
    workHours: URIRef
    # indicators and their values (RDF Data Cube)
    indicatorNo: URIRef
    indicatorName: URIRef
    method: URIRef
    direction: URIRef
    directionText: URIRef
    indicatorKind: URIRef
    indicatorCode: URIRef
    indicator: URIRef
    target: URIRef
    actual: URIRef
    achievementRate: URIRef
    unit: URIRef
    note: URIRef
    indicatorValueStructure: URIRef
    # challenges and narratives
    challengeNo: URIRef
    challengeText: URIRef
    nextAction: URIRef
    narrativeNo: URIRef
    heading: URIRef
    text: URIRef
    narrativeKind: URIRef
    chapter: URIRef
    printedNumber: URIRef
    # assessments
    assessmentNo: URIRef
    criterion: URIRef
    assessmentGrade: URIRef
    assessmentReason: URIRef
    # SKOS concept schemes (their concepts, named with hyphens, are listed in _extras)
    grades: URIRef
    costStages: URIRef
    costCategories: URIRef
    directions: URIRef
    levels: URIRef
    narrativeKinds: URIRef
    indicatorKinds: URIRef

    _extras = [  # noqa: RUF012 - DefinedNamespace declares it a list
        "grade-on-track", "grade-maintained", "grade-stalled",
        "stage-budget", "stage-settlement", "stage-preliminary-settlement",
        "category-total", "category-business", "category-personnel",
        "category-national-subsidy", "category-prefectural-subsidy", "category-local-bond",
        "category-other-revenue", "category-general-revenue",
        "higher-is-better", "lower-is-better", "direction-unknown",
        "level-policy", "level-program",
        "narrative-vision", "narrative-goal", "narrative-direction", "narrative-text",
        "indicator-activity", "indicator-target", "indicator-outcome",
    ]


# Open namespaces of code lists: any code is a term.
EU_THEME = Namespace(THEME_BASE)
EU_FREQUENCY = Namespace(FREQUENCY_BASE)
EU_LANGUAGE = Namespace(LANGUAGE_BASE)
EU_FILE_TYPE = Namespace("http://publications.europa.eu/resource/authority/file-type/")
IANA_MEDIA_TYPES = Namespace("https://www.iana.org/assignments/media-types/")
# e-Stat statistical area codes (標準地域コード): the 全国地方公共団体コード without its check digit.
ESTAT_SAC = Namespace("http://data.e-stat.go.jp/lod/sac/")
ADMS_PUBLISHER_TYPE = Namespace("http://purl.org/adms/publishertype/")
ADMS_LICENCE_TYPE = Namespace("http://purl.org/adms/licencetype/")

# Prefixes bound in every graph we serialise (Turtle and RDF/XML read better with them).
PREFIXES: dict[str, str] = {
    "dcat": str(DCAT._NS),
    "dcatap": str(DCATAP._NS),
    "dct": str(DCTERMS),
    "eval": EVAL_NS,
    "foaf": str(FOAF),
    "owl": str(OWL),
    "qb": str(QB),
    "rdfs": str(RDFS),
    "skos": str(SKOS),
    "spdx": str(SPDX._NS),
    "vcard": str(VCARD._NS),
    "xsd": str(XSD),
}

# Namespaces we name in messages and documentation but never bind in a graph we write (SHACL's own
# terms appear only in validation reports; rdf:type is written as "a").
_NAMED_ONLY: tuple[tuple[str, str], ...] = (("sh", str(SH)), ("dcatap", str(DCATAP._NS)), ("rdf", str(RDF)))


def curie(node: Node | None) -> str:
    """``dct:title`` for an IRI in a namespace we know, else ``<iri>``; "" for None.

    The one spelling of a term for people: validation messages and the vocabulary's README use it.
    The longest matching bound namespace wins (``dcatap:`` before a shorter overlapping one).
    """
    if node is None:
        return ""
    text = str(node)
    for prefix, ns in sorted(PREFIXES.items(), key=lambda kv: -len(kv[1])):
        if text.startswith(ns) and len(text) > len(ns):
            return f"{prefix}:{text[len(ns):]}"
    for prefix, ns in _NAMED_ONLY:
        if text.startswith(ns):
            return f"{prefix}:{text[len(ns):]}"
    return f"<{text}>"
