"""Validating observation documents against the wire contract (compiled once, at start-up).

jsonschema-rs checks a full 900-package inventory in about 0.25 ms here, against 8 ms for
fastjsonschema: at 20,000 agents the validator is on the hot path of every ingest.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import jsonschema_rs

from collector.errors import Refused
from schemas import load_observation_schema

Validator = Callable[[dict[str, Any]], None]


def compile_observation_validator() -> Validator:
    """A validator of observation documents raising Refused(422) naming the first fault."""
    checker = jsonschema_rs.Draft202012Validator(load_observation_schema(), validate_formats=True)

    def validate(document: dict[str, Any]) -> None:
        error = next(checker.iter_errors(document), None)
        if error is not None:
            where = "/".join(str(part) for part in error.instance_path) or "(dokumen)"
            raise Refused(
                422, "schema_violation", f"dokumen tidak sesuai skema di {where}: {error.message}"
            )

    return validate
