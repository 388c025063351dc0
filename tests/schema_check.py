"""Validating documents and single sections against the observation schema in tests."""

from __future__ import annotations

from functools import cache
from typing import Any

import jsonschema

from schemas import load_observation_schema


@cache
def observation_validator() -> jsonschema.Draft202012Validator:
    """A validator for whole observation documents, formats (date-time, uuid, ipv4) checked."""
    return jsonschema.Draft202012Validator(
        load_observation_schema(), format_checker=jsonschema.FormatChecker()
    )


@cache
def _definition_validator(name: str) -> jsonschema.Draft202012Validator:
    schema = load_observation_schema()
    wrapper = {"$ref": f"#/$defs/{name}", "$defs": schema["$defs"]}
    return jsonschema.Draft202012Validator(wrapper, format_checker=jsonschema.FormatChecker())


def schema_errors(document: Any) -> list[str]:
    """Every violation of the observation schema, as 'path: message' lines (empty when valid)."""
    return [f"{e.json_path}: {e.message}" for e in observation_validator().iter_errors(document)]


def definition_errors(name: str, value: Any) -> list[str]:
    """Every violation of one ``$defs`` entry (e.g. ``software``) by a single value."""
    return [f"{e.json_path}: {e.message}" for e in _definition_validator(name).iter_errors(value)]
