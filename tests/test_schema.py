"""The published schemas, the template and the shipped cases agree with each other."""

from __future__ import annotations

import jsonschema
import pycountry
import pytest

from generator.load import schema, yamlsafe
from generator.load.read import read_document
from tests.support import REPO


@pytest.mark.parametrize("name", schema.SCHEMA_NAMES)
def test_schema_is_valid_draft_07(name):
    loaded = schema.load_schema(name)
    assert loaded["$schema"] == "http://json-schema.org/draft-07/schema#"
    jsonschema.Draft7Validator.check_schema(loaded)


def test_country_list_is_iso_3166():
    enum = schema.load_schema("case")["definitions"]["country"]["enum"]
    assert enum == sorted(c.alpha_2 for c in pycountry.countries)


def test_template_is_a_valid_case():
    read = read_document(REPO / "cases" / "_template.yml", REPO, "case")
    assert read.problems == []
    assert read.doc is not None


def test_template_documents_every_field():
    text = (REPO / "cases" / "_template.yml").read_text()
    case = schema.load_schema("case")
    fields = set(case["properties"]) | set(case["properties"]["promises"]["items"]["properties"])
    for field in fields:
        assert f"{field}:" in text, f"{field} is not in cases/_template.yml"


def test_every_shipped_file_names_its_schema():
    files = sorted((REPO / "cases").glob("*/*.yml"))
    assert len(files) >= 12
    for path in files:
        kind = "brand" if path.name == "brand.yml" else "case"
        first = path.read_text().splitlines()[0]
        assert (
            first == f"# yaml-language-server: $schema=../../generator/schemas/{kind}.schema.json"
        )


def test_demo_brands_are_flagged():
    for path in sorted((REPO / "cases").glob("*/brand.yml")):
        doc, problems = yamlsafe.parse(path.read_text())
        assert problems == [], path
        assert doc.data.get("demo") is True, path


def test_positions_are_recorded_for_values_and_keys():
    doc, problems = yamlsafe.parse("a: 1\nb:\n  - x: 2026-01-05\n    y: '0123'\n")
    assert problems == []
    assert doc.data == {"a": 1, "b": [{"x": "2026-01-05", "y": "0123"}]}
    assert doc.where(("b", 0, "y")) == (4, 8)
    assert doc.where(("b", 0, "y"), key=True) == (4, 5)
    assert doc.where(("b", 0, "missing")) == (3, 5)


def test_decimals_are_never_floats():
    doc, _ = yamlsafe.parse("x: 12.50\n")
    assert str(doc.data["x"]) == "12.50"
    assert not isinstance(doc.data["x"], float)


def test_nesting_is_bounded():
    text = "a:" + "".join(f"\n{'  ' * i}b:" for i in range(1, 30)) + " 1\n"
    _, problems = yamlsafe.parse(text)
    assert problems
    assert "nested more than 16 levels deep" in problems[0].message
