"""The published schemas, the template and the shipped cases agree with each other."""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
import sys

import jsonschema
import pycountry
import pytest
import yaml

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


PLAIN_VALUES = [
    "", "~", "null", "Null", "true", "yes", "No", "on", "OFF", "y", "0", "-12", "0123", "0x1F",
    "0o17", "1_000", "1:30", "190:20:30", "12.50", ".5", "1e3", ".inf", "-.Inf", ".NaN",
    "2026-01-31", "2026-1-31", "2026-01-31T09:30:00+01:00", "2026-01-31 09:30", "<<", "=",
    "refund", "jane-doe", "EUR", "12 EUR", "48 hours", "https://example.com/a?b=c",
]  # fmt: skip


def test_the_loaders_remembered_tags_are_pyyamls(monkeypatch):
    """Each plain value reads as PyYAML's own resolver reads it, the first time (looked up)
    and the next (remembered); the memory stops growing at its bound."""
    monkeypatch.setattr(yamlsafe._Loader, "resolved", {})
    monkeypatch.setattr(yamlsafe, "RESOLVED_MAX", len(PLAIN_VALUES) // 2)
    text = "".join(f"- {v}\n" if v else "- \n" for v in PLAIN_VALUES)

    def tags(loader):
        node = yaml.compose(text, Loader=loader)
        return [item.tag for item in node.value]

    assert not yamlsafe._Loader.yaml_path_resolvers  # a tag then depends on the value alone
    expected = tags(yaml.SafeLoader)  # pure Python: nothing remembered
    assert len(set(expected)) == 8  # null, bool, int, float, timestamp, merge, value, str
    assert tags(yamlsafe._Loader) == expected
    assert len(yamlsafe._Loader.resolved) == len(PLAIN_VALUES) // 2
    assert tags(yamlsafe._Loader) == expected
    again = [yamlsafe.parse(f"x: {v}\n")[0] for v in PLAIN_VALUES[:3]]
    assert [d.data["x"] if d else None for d in again] == [None, None, None]


def test_nesting_is_bounded():
    text = "a:" + "".join(f"\n{'  ' * i}b:" for i in range(1, 30)) + " 1\n"
    _, problems = yamlsafe.parse(text)
    assert problems
    assert "nested more than 16 levels deep" in problems[0].message


def test_no_mapping_hides_the_editors_unknown_field_message():
    """yaml-language-server shows an object's `errorMessage` instead of "Unexpected property
    X": mappings keep their description in `x-expected`, which only `unkept check` reads."""

    def walk(node, where):
        if isinstance(node, dict):
            if node.get("additionalProperties") is False:
                assert "errorMessage" not in node, where
            for key, value in node.items():
                walk(value, f"{where}/{key}")
        elif isinstance(node, list):
            for i, value in enumerate(node):
                walk(value, f"{where}/{i}")

    for name in schema.SCHEMA_NAMES:
        walk(schema.load_schema(name), name)


def test_currencies_are_iso_4217():
    pattern = schema.load_schema("case")["definitions"]["money"]["pattern"]
    codes = re.search(r"\(\?:((?:[A-Z]{3}\|)+[A-Z]{3})\)", pattern)[1].split("|")
    assert codes == sorted(c.alpha_3 for c in pycountry.currencies)


PROMISE = "promises:\n  - kind: refund\n    made_on: 2026-10-01\n"
HEAD = (
    "title: Refund never paid\ncountry: FR\ncategories: [contact]\nopened_on: 2026-10-01\n"
    "status: open\nlast_confirmed: 2026-11-01\nsubmitted_by: demo-tester\n"
)


@pytest.mark.parametrize(
    ("text", "field"),
    [
        pytest.param(HEAD.replace("10-01\n", "02-30\n", 1) + PROMISE, "opened_on", id="feb-30"),
        pytest.param(HEAD.replace("2026-10-01", "2027-02-29") + PROMISE, "opened_on", id="leap"),
        pytest.param(HEAD.replace("2026-10-01", "2026-13-01") + PROMISE, "opened_on", id="month"),
        pytest.param(
            HEAD + PROMISE.replace("2026-10-01", "2026-10-01T25:00:00+01:00"),
            "promises[0].made_on",
            id="hour-25",
        ),
        pytest.param(HEAD + 'amount: "12.00 EUX"\n' + PROMISE, "amount", id="currency"),
        pytest.param(
            HEAD + PROMISE + "    due: 2026-10-05\n    within: 2 days\n",
            "promises[0].within",
            id="due-and-within",
        ),
        pytest.param(
            HEAD.replace("status: open", "status: resolved") + PROMISE, "closed_on", id="closed"
        ),
        pytest.param(
            HEAD + "closed_on: 2026-10-09\n" + PROMISE, "closed_on", id="closed-while-open"
        ),
        pytest.param(HEAD, "promises", id="no-promise"),
        pytest.param(HEAD + "promises: []\n", "promises", id="empty-promises"),
        pytest.param(HEAD + "sumary: x\n" + PROMISE, "sumary", id="unknown-field"),
    ],
)
def test_the_editor_refuses_what_check_refuses_where_a_schema_can_say_it(project, run, text, field):
    """A plain draft-07 validator, with no format checker (as editors may run), finds each
    mistake from the schema alone; `unkept check` reports it at the same field."""
    doc, problems = yamlsafe.parse(text)
    assert problems == []
    validator = jsonschema.Draft7Validator(schema.load_schema("case"))
    paths = set()
    for error in validator.iter_errors(doc.data):
        path = yamlsafe.format_path(tuple(error.absolute_path))
        if error.validator == "required":
            path = yamlsafe.format_path((*error.absolute_path, error.message.split("'")[1]))
        if error.validator == "additionalProperties":
            path = "sumary"
        paths.add(path)
    assert field in paths or field.rsplit(".", 1)[0] in paths, paths
    project.case(text)
    result = run("--root", project.root, "check", "--as-of", "2026-11-24")
    assert result.code == 1
    fields = {line.split(": ")[1] for line in result.out.splitlines()}
    assert field in fields, result.out


def test_the_date_pattern_accepts_exactly_the_days_that_exist_from_1970_to_2199():
    """Editors see the same calendar as check: leap years included, 2100 not leap, and no
    year 9999 (a deadline there overflowed every build)."""
    pattern = re.compile(schema.load_schema("case")["definitions"]["date"]["pattern"])
    day, accepted = dt.date(1969, 12, 25), []
    while day <= dt.date(2200, 1, 5):
        if pattern.search(day.isoformat()):
            accepted.append(day)
        day += dt.timedelta(days=1)
    assert accepted[0] == dt.date(1970, 1, 1)
    assert accepted[-1] == dt.date(2199, 12, 31)
    assert len(accepted) == (dt.date(2199, 12, 31) - dt.date(1970, 1, 1)).days + 1
    for text in ("2026-02-29", "2100-02-29", "2026-04-31", "9999-12-31", "2026-01-01\n"):
        assert not pattern.search(text), text
    assert pattern.search("2000-02-29")


@pytest.mark.parametrize("field", ["title", "country"])
def test_one_line_fields_refuse_a_trailing_line_break(project, run, field):
    """Python's `$` matches before a final newline; the schema's patterns end where the text
    does, as in editors."""
    text = HEAD.replace("title: Refund never paid", 'title: "Refund never paid\\n"')
    if field == "country":
        text = HEAD.replace("country: FR", 'country: "FR\\n"')
    project.case(text + PROMISE)
    result = run("--root", project.root, "check", "--as-of", "2026-11-24")
    assert result.code == 1
    assert result.out.split(": ")[1] == field


def _mutations(data):
    """`data`, then a copy with each value in turn (every depth) replaced by a wrong one."""
    yield data
    wrong = (None, 7, "", "x" * 2100, [], {}, "2026-02-30", "http://example.com")

    def paths(node, at=()):
        items = node.items() if isinstance(node, dict) else enumerate(node)
        for key, value in items:
            yield (*at, key)
            if isinstance(value, (dict, list)):
                yield from paths(value, (*at, key))

    for path in paths(data):
        for value in wrong:
            copy = json.loads(json.dumps(data))
            node = copy
            for key in path[:-1]:
                node = node[key]
            node[path[-1]] = value
            yield copy


@pytest.mark.parametrize("name", schema.SCHEMA_NAMES)
def test_the_compiled_validator_with_references_inlined_judges_as_the_published_schema(name):
    """The fast validator is compiled from the schema with its `$ref`s inlined (faster); it
    must accept and refuse exactly what the published schema does."""
    assert "$ref" not in json.dumps(schema.inlined(schema.load_schema(name)))
    reference = jsonschema.Draft7Validator(
        schema.load_schema(name), format_checker=schema.format_checker()
    )
    files = sorted((REPO / "cases").glob("*/*.yml" if name == "case" else "*/brand.yml"))
    files = [f for f in files if f.name != "brand.yml"] if name == "case" else files
    judged = {True: 0, False: 0}
    for path in files[:6]:
        data = read_document(path, REPO, name).doc.data
        for doc in _mutations(json.loads(json.dumps(data, default=str))):
            verdict = reference.is_valid(doc)
            assert schema.is_valid(doc, name) is verdict, (path.name, doc)
            judged[verdict] += 1
    assert judged[True] > 0
    assert judged[False] > 100


def test_a_definition_that_refers_to_itself_keeps_its_reference():
    tree = {
        "definitions": {
            "node": {"type": "object", "properties": {"next": {"$ref": "#/definitions/node"}}},
            "leaf": {"type": "string"},
        },
        "properties": {
            "root": {"$ref": "#/definitions/node"},
            "tip": {"$ref": "#/definitions/leaf"},
        },
    }
    out = schema.inlined(tree)
    assert out["properties"]["tip"] == {"type": "string"}
    assert out["properties"]["root"]["properties"]["next"] == {"$ref": "#/definitions/node"}
    assert tree["properties"]["tip"] == {"$ref": "#/definitions/leaf"}  # not changed in place


def test_reading_valid_cases_leaves_jsonschema_unimported():
    """jsonschema explains errors: a run over valid files never imports it (0.04 s)."""
    code = (
        "import sys, datetime; from pathlib import Path; "
        "from generator.load.loader import load_corpus; "
        f"c = load_corpus(Path({str(REPO)!r}), as_of=datetime.date(2026, 11, 24)); "
        "print(len(c.cases), len(c.problems), 'jsonschema' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    cases, problems, imported = out.stdout.split()
    assert int(cases) > 0
    assert problems == "0"
    assert imported == "False"
