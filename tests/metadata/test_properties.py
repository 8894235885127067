from __future__ import annotations

from pathlib import Path

from opendata_pub.metadata.licenses import LICENSES, find_license
from opendata_pub.metadata.properties import PROPERTIES, Kind, Level, Obligation, markdown_table

README = Path(__file__).resolve().parents[2] / "README.md"


def test_keys_unique_per_level() -> None:
    for level in Level:
        keys = [p.key for p in PROPERTIES if p.level is level]
        assert len(keys) == len(set(keys))


def test_dcat_ap_mandatory_properties_are_mandatory_for_us() -> None:
    for p in PROPERTIES:
        if p.dcat_ap is Obligation.MANDATORY:
            assert p.obligation is Obligation.MANDATORY, p.key


def test_every_property_with_a_term_uses_a_known_prefix() -> None:
    for p in PROPERTIES:
        if p.term:
            assert p.term.split(":")[0] in {"dct", "dcat", "spdx"}, p.term


def test_readme_property_table_is_generated_from_the_table() -> None:
    assert markdown_table() in README.read_text(encoding="utf-8")


def test_licences_found_by_id_uri_and_name() -> None:
    pdl = find_license("PDL-1.0")
    assert pdl is not None
    assert find_license("https://www.digital.go.jp/resources/open_data/public_data_license_v1.0") is pdl
    assert find_license("公共データ利用規約（第1.0版）") is pdl
    ccby = find_license("http://creativecommons.org/licenses/by/4.0")
    assert ccby is not None and ccby.id == "CC-BY-4.0"
    assert find_license("https://creativecommons.org/licenses/by/4.0/legalcode.ja") is ccby
    assert find_license("CC BY 4.0") is ccby
    assert find_license("https://creativecommons.org/licenses/by-nc/4.0/") is None
    assert find_license("GPL") is None
    assert len({lic.uri for lic in LICENSES}) == len(LICENSES)


def test_kinds_cover_every_property() -> None:
    assert {p.kind for p in PROPERTIES} <= set(Kind)
