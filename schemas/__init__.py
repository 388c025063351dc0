"""The wire contract: the observation document's JSON Schema and example documents."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

SCHEMA_DIR = Path(__file__).resolve().parent
OBSERVATION_V1 = SCHEMA_DIR / "observation-v1.schema.json"
EXAMPLES_DIR = SCHEMA_DIR / "examples"


def load_observation_schema() -> dict[str, Any]:
    """The observation schema, version 1, as a dict (for jsonschema or fastjsonschema)."""
    schema: dict[str, Any] = json.loads(OBSERVATION_V1.read_text(encoding="utf-8"))
    return schema
