"""portals/scheming.py without a portal: the schema as a value, extras placed in its fields, package_show
read back into the same form, the preflight's problems, and stock CKAN (no scheming) left alone."""

from __future__ import annotations

from opendata_pub.errors import NotFound, PortalRejected
from opendata_pub.portals.scheming import fetch_schema, may_have_schema, normalize, parse_schema, place, schema_problems

RAW = {
    "dataset_type": "dataset",
    "dataset_fields": [
        {"field_name": "title", "label": "Title", "required": True},
        {"field_name": "name", "label": "URL", "validators": "not_empty unicode_safe name_validator"},
        {"field_name": "notes", "label": "Description", "required": True},
        {"field_name": "tag_string", "label": "Keywords", "validators": "ignore_missing tag_string_convert"},
        {"field_name": "publisher", "label": "Publisher", "repeating_subfields": [
            {"field_name": "uri"}, {"field_name": "name"}, {"field_name": "url"}]},
        {"field_name": "temporal_coverage", "label": "Temporal coverage", "repeating_subfields": [
            {"field_name": "start", "label": "Start"}, {"field_name": "end", "label": "End", "required": True}]},
        {"field_name": "theme", "label": "Theme", "preset": "multiple_text",
         "validators": "ignore_missing scheming_multiple_text"},
        {"field_name": "identifier", "label": "Identifier"},
        {"field_name": "frequency", "label": {"en": "Frequency", "ja": "更新頻度"},
         "choices": [{"value": "http://publications.europa.eu/resource/authority/frequency/ANNUAL"}]},
        {"field_name": "access_rights", "label": "Access rights", "required": True},
    ],
    "resource_fields": [{"field_name": "url"}],
}
THEME = "http://publications.europa.eu/resource/authority/data-theme/GOVE"
ANNUAL = "http://publications.europa.eu/resource/authority/frequency/ANNUAL"
OURS = {"name": "demo", "title": "T", "notes": "N", "owner_org": "org", "tags": ["a"],
        "extras": {"identifier": "demo", "publisher_name": "清瀬市", "publisher_uri": "https://k.example/",
                   "publisher_identifier": "132217", "temporal_start": "2020-04-01", "temporal_end": "2021-03-31",
                   "theme": f'["{THEME}"]', "frequency": ANNUAL, "keywords": '["k"]', "spatial_uri": "x"}}


def test_the_schema_as_a_value():
    schema = parse_schema(RAW)
    assert schema.names[:3] == ("title", "name", "notes")
    assert schema.field("name").required  # not_empty
    assert schema.field("theme").multiple and not schema.field("identifier").multiple
    assert schema.field("publisher").repeating and schema.field("temporal_coverage").subfield("end").required
    assert schema.field("frequency").label == "更新頻度" and schema.field("frequency").choices == (ANNUAL,)
    assert {f.name for f in schema.managed()} == {"publisher", "temporal_coverage", "theme", "identifier",
                                                   "frequency"}


def test_extras_go_into_the_fields_the_schema_has_and_the_rest_stay_extras():
    placed = place(OURS, parse_schema(RAW))
    assert placed["publisher"] == [{"name": "清瀬市", "uri": "https://k.example/"}]
    assert placed["temporal_coverage"] == [{"start": "2020-04-01", "end": "2021-03-31"}]
    assert placed["theme"] == [THEME] and placed["identifier"] == "demo" and placed["frequency"] == ANNUAL
    # no identifier subfield in this publisher, no spatial_coverage, no keywords field: extras as today
    assert placed["extras"] == {"publisher_identifier": "132217", "keywords": '["k"]', "spatial_uri": "x"}
    assert placed["title"] == "T" and placed["tags"] == ["a"]


def test_package_show_reads_back_into_the_same_form():
    schema = parse_schema(RAW)
    shown = {"name": "demo", "title": "T", "notes": "N", "organization": {"name": "org"},
             "tags": [{"name": "a"}], "identifier": "demo", "frequency": ANNUAL, "theme": [THEME],
             "publisher": [{"name": "清瀬市", "uri": "https://k.example/", "url": ""}],
             "temporal_coverage": [{"start": "2020-04-01", "end": "2021-03-31"}],
             "extras": [{"key": "publisher_identifier", "value": "132217"}, {"key": "keywords", "value": '["k"]'},
                        {"key": "spatial_uri", "value": "x"}, {"key": "not-ours", "value": "kept"}]}
    assert normalize(shown, schema) == place(OURS, schema)


def test_preflight_problems_name_the_field_and_its_label():
    schema = parse_schema(RAW)
    placed = place(OURS, schema)
    assert schema_problems(placed, schema) == [
        "ポータルのスキーマ (dataset)で必須の項目 access_rights (Access rights) に入れる値がありません"]
    no_end = place({**OURS, "extras": {**OURS["extras"], "temporal_end": ""}}, schema)
    no_end["temporal_coverage"] = [{"start": "2020-04-01"}]
    assert any("temporal_coverage.end (End)" in p for p in schema_problems(no_end, schema))
    other = place({**OURS, "extras": {**OURS["extras"], "frequency": "monthly"}}, schema)
    assert any("frequency (更新頻度) の値 monthly は選択肢にありません" in p for p in schema_problems(other, schema))
    assert not [p for p in schema_problems(place(OURS, schema), schema) if "tag_string" in p]


class _Client:
    def __init__(self, answer):
        self.answer = answer

    def get(self, action, params=None):
        assert action == "scheming_dataset_schema_show" and params == {"type": "dataset"}
        if isinstance(self.answer, Exception):
            raise self.answer
        return self.answer


def test_stock_ckan_has_no_schema():
    assert fetch_schema(_Client(PortalRejected("Bad request: Action name not known", status=400))) is None
    assert fetch_schema(_Client(NotFound("見つかりません", status=404))) is None
    assert fetch_schema(_Client(RAW)).field("theme").multiple


def test_the_schema_is_asked_for_only_when_status_show_lists_a_scheming_plugin():
    assert may_have_schema({"extensions": ["dcat", "scheming_datasets"]})
    assert may_have_schema({"extensions": ["schemingdcat_datasets"]}) and may_have_schema({})
    assert not may_have_schema({"extensions": ["activity", "dcat"]})
