"""Validate parsed documents against the published JSON Schemas.

The schemas in `generator/schemas/` are the ones editors use through yaml-language-server, so
the rules a contributor sees while typing are exactly the rules `unkept check` applies. Each
schema leaf carries an `errorMessage` ("expected ..."), which is turned here into
`expected ..., got ...` with the position of the offending value.
"""

from __future__ import annotations

import datetime as dt
import difflib
import json
import re
from decimal import Decimal
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any

import fastjsonschema

from generator.load.problems import Code, Problem
from generator.load.yamlsafe import Document, Path, format_path

if TYPE_CHECKING:
    import jsonschema

SCHEMA_NAMES = ("case", "brand")


@cache
def load_schema(name: str) -> dict[str, Any]:
    """The published schema `name` (`case` or `brand`), as a dict."""
    text = resources.files("generator.schemas").joinpath(f"{name}.schema.json").read_text("utf-8")
    return json.loads(text)


def _checks_date(value: object) -> bool:
    if not isinstance(value, str):
        return True
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return False
    return True


def _checks_datetime(value: object) -> bool:
    if not isinstance(value, str):
        return True
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError:
        return False
    return parsed.utcoffset() is not None


@cache
def format_checker() -> jsonschema.FormatChecker:
    """The formats the schemas use (date, date-time), checked as the compiled validator does."""
    import jsonschema

    formats = jsonschema.FormatChecker(formats=())
    formats.checks("date")(_checks_date)
    formats.checks("date-time")(_checks_datetime)
    return formats


@cache
def _validator(name: str) -> jsonschema.Draft7Validator:
    """jsonschema's validator, which explains every error. Imported on the first invalid
    file, not at start: with its dependencies, it took 0.04 s of every command's start."""
    import jsonschema

    schema = load_schema(name)
    jsonschema.Draft7Validator.check_schema(schema)
    return jsonschema.Draft7Validator(schema, format_checker=format_checker())


@cache
def _fast_validator(name: str) -> Any:
    """The same schema compiled to Python code: about 30x faster for the usual valid file.

    Compiled with its `$ref`s inlined: fastjsonschema calls a function for each one and
    formats the value's name for it on the way, with `locals()`, even when the value is
    valid: some 18 times a case. Inlined, 3,000 cases were read in 0.86 s, not 1.04 s."""
    return fastjsonschema.compile(
        inlined(load_schema(name)), formats={"date": _checks_date, "date-time": _checks_datetime}
    )


def inlined(schema: dict[str, Any]) -> dict[str, Any]:
    """`schema` with each local `$ref` (`#/definitions/name`) replaced by what it names.

    A `$ref` overrides its sibling keywords in draft 7, so the node becomes the definition
    alone; a definition that refers to itself, directly or not, keeps its `$ref`."""
    definitions = schema.get("definitions", {})

    def walk(node: Any, within: frozenset[str]) -> Any:
        if isinstance(node, list):
            return [walk(item, within) for item in node]
        if not isinstance(node, dict):
            return node
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/definitions/"):
            name = ref.removeprefix("#/definitions/")
            if name in definitions and name not in within and "/" not in name:
                return walk(definitions[name], within | {name})
        return {key: walk(value, within) for key, value in node.items()}

    return walk(schema, frozenset())


def is_valid(data: Any, schema_name: str) -> bool:
    """Whether `data` matches the schema (the compiled validator: no positions, no messages)."""
    try:
        _fast_validator(schema_name)(data)
    except fastjsonschema.JsonSchemaException:
        return False
    return True


def validate(doc: Document, schema_name: str) -> list[Problem]:
    """Every way `doc` breaks the schema, one message per offending value.

    A valid document is confirmed by the compiled validator; only an invalid one goes through
    jsonschema, which reports every error with its position rather than stopping at the first.
    """
    try:
        _fast_validator(schema_name)(doc.data)
    except fastjsonschema.JsonSchemaException:
        pass
    else:
        return []
    errors: list[Problem] = []
    for error in _validator(schema_name).iter_errors(doc.data):
        errors.extend(_explain(error, doc, load_schema(schema_name)))
    return list(dict.fromkeys(errors))  # a date's pattern and format fail as one mistake


def _containing_object(error: jsonschema.ValidationError, root: dict[str, Any]) -> dict[str, Any]:
    """The object schema whose `properties` describe the fields of the failing instance."""
    steps = list(error.absolute_schema_path)[:-1]
    while steps and steps[-1] in ("then", "else", "if", "not", "dependencies"):
        steps.pop()
    schema: Any = root
    for step in steps:
        schema = schema[step]
    return schema


def _explain(
    error: jsonschema.ValidationError, doc: Document, root: dict[str, Any]
) -> list[Problem]:
    path: Path = tuple(error.absolute_path)
    if error.validator == "additionalProperties":
        known = sorted(error.schema.get("properties", {}))
        extra = sorted(set(error.instance) - set(known))
        return [_unknown_key(doc, (*path, key), known) for key in extra]
    if error.validator == "propertyNames":
        key = error.instance
        known = sorted(error.schema["propertyNames"].get("enum", []))
        return [_unknown_key(doc, (*path, key), known)]
    if error.validator == "required":
        missing = error.message.split("'")[1]
        prop = _containing_object(error, root).get("properties", {}).get(missing, {})
        expected = _expected(prop) or "a value"
        why = error.schema.get("errorMessage") if "properties" not in error.schema else None
        text = f"missing; {expected}" + (f" ({why})" if why else "")
        line, column = doc.where(path)
        return [
            Problem("", line, column, format_path((*path, missing)), text, Code.SCHEMA_REQUIRED)
        ]
    line, column = doc.where(path)
    expected = _message(error.schema)
    if expected is None:
        expected = f"expected {error.message}"
    if error.validator == "not":
        # `not: {required: [X]}`: X is the field that should not be there; point at it.
        forbidden = error.validator_value.get("required", [])
        if len(forbidden) == 1:
            path = (*path, forbidden[0])
        line, column = doc.where(path, key=True)
        return [Problem("", line, column, format_path(path), expected, Code.SCHEMA_FORBIDDEN)]
    if error.validator in ("maxLength", "minLength") and isinstance(error.instance, str):
        got = f"{len(error.instance)} characters"
    elif error.validator in ("maxItems", "minItems") and isinstance(error.instance, list):
        got = f"{len(error.instance)} items"
    elif error.validator == "uniqueItems":
        got = "a list with repeated items"
    else:
        got = describe(error.instance)
    if error.validator == "pattern" and "x-currency" in error.schema:
        shape = _MONEY_SHAPE.fullmatch(error.instance)
        if shape:  # the amount is right; the currency is not one
            message = f"{error.schema['x-currency']}, got {shape[1]!r}"
            return [Problem("", line, column, format_path(path), message, Code.CASE_CURRENCY)]
    hint = _did_you_mean(error)
    message = f"{expected}, got {got}{hint}"
    return [Problem("", line, column, format_path(path), message, Code.SCHEMA_VALUE)]


_MONEY_SHAPE = re.compile(r"(?:0|[1-9][0-9]{0,11})(?:\.[0-9]{1,2})? ([A-Z]{3})")
"""An amount whose only fault can be its currency code."""


def _unknown_key(doc: Document, path: Path, known: list[str]) -> Problem:
    line, column = doc.where(path, key=True)
    key = str(path[-1])
    close = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
    hint = f"; did you mean {close[0]!r}?" if close else f"; expected one of {', '.join(known)}"
    return Problem(
        "", line, column, format_path(path), f"unknown field{hint}", Code.SCHEMA_UNKNOWN_FIELD
    )


def _message(schema: dict[str, Any]) -> str | None:
    """What a value under `schema` should be: its `errorMessage` (which editors show too) or,
    for a mapping, `x-expected` (an `errorMessage` there would hide, in editors, the message
    naming an unknown field)."""
    return schema.get("errorMessage") or schema.get("x-expected")


def _expected(schema: dict[str, Any]) -> str | None:
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        for doc_schema in (load_schema("case"), load_schema("brand")):
            if name in doc_schema.get("definitions", {}):
                return _message(doc_schema["definitions"][name])
    return _message(schema)


def _did_you_mean(error: jsonschema.ValidationError) -> str:
    if error.validator != "enum" or not isinstance(error.instance, str):
        return ""
    options = [str(x) for x in error.validator_value]
    close = difflib.get_close_matches(error.instance, options, n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else ""


def describe(value: Any) -> str:
    """A short, readable rendering of a value for an error message."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "nothing (an empty value)"
    if isinstance(value, int | Decimal):
        return f"the number {value}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    text = str(value)
    if len(text) > 60:
        text = text[:57] + "..."
    return repr(text)
