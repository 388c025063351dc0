"""Strict check of a dashboard's JSON against grafana-foundation-sdk's generated models.

The SDK's classes are cog-generated from Grafana 11.6's dashboard kind and the panel and data
source plugins' schemas, so their constructor type hints are that schema in Python. Decoding
with ``from_json`` drops unknown keys and never checks types; this walks the JSON instead and
reports every unknown key, wrong type, unknown enum value and missing required field with its
JSON path. The published JSON Schema file is not shipped in any package we can install (and
GitHub is not reachable from CI), so it is not used.
"""

from __future__ import annotations

import enum
import inspect
import re
import types
import typing
from collections.abc import Iterator
from importlib import import_module

from grafana_foundation_sdk.cog.variants import Dataquery
from grafana_foundation_sdk.models import dashboard

_KEY = re.compile(r'if "(\w+)" in data:(?:(?!if ").)*?args\["(\w+)"\]', re.DOTALL)

# No SDK model for the PostgreSQL data source's query; these are the keys Grafana's SQL
# query editor writes and that our panels use.
_SQL_TARGET = {"refId": str, "rawSql": str, "format": str, "rawQuery": bool, "editorMode": str,
               "datasource": dashboard.DataSourceRef, "hide": bool}  # fmt: skip

# The SDK gives these defaults, so its signature does not mark them required; a provisioned
# file has no SDK to fill them in, and Grafana lays panels out from them.
_ALSO_REQUIRED: dict[type, tuple[str, ...]] = {
    dashboard.Panel: ("gridPos",),
    dashboard.RowPanel: ("gridPos",),
    dashboard.GridPos: ("h", "w", "x", "y"),
}


def _fields(cls: type) -> dict[str, tuple[object, bool]]:
    """JSON key → (type hint, required), read from from_json (for the key names) and __init__."""
    hints = typing.get_type_hints(cls.__init__)  # type: ignore[misc]
    params = inspect.signature(cls.__init__).parameters  # type: ignore[misc]
    keys = dict(_KEY.findall(inspect.getsource(cls.from_json)))  # type: ignore[attr-defined]
    return {
        key: (hints[attr], params[attr].default is inspect.Parameter.empty)
        for key, attr in keys.items()
    }


def _plugin(panel_type: str, name: str) -> type | None:
    """The panel plugin's own Options / FieldConfig model, if the SDK has one."""
    try:
        module = import_module(f"grafana_foundation_sdk.models.{panel_type}")
    except ImportError:
        return None
    found = getattr(module, name, None)
    return found if isinstance(found, type) else None


def _type_name(hint: object) -> str:
    return getattr(hint, "__name__", str(hint))


def _scalar(value: object, hint: object, path: str) -> Iterator[str]:
    """JSON numbers, strings and booleans; a float field takes an integer, never a boolean."""
    if hint is float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            yield f"{path}: expected a number, got {value!r}"
    elif hint in (str, int, bool):
        if type(value) is not hint:
            yield f"{path}: expected {_type_name(hint)}, got {value!r}"
    else:
        yield f"{path}: no rule for {hint!r}"


class _Walker:
    def __init__(self) -> None:
        self.panel_type = ""
        self.source_type = ""

    def check(self, value: object, hint: object, path: str) -> Iterator[str]:
        origin = typing.get_origin(hint)
        if hint is typing.Any or hint is object:
            return
        if origin in (typing.Union, types.UnionType):
            yield from self.union(value, typing.get_args(hint), path)
        elif origin in (typing.Literal, list, dict):
            yield from self.generic(value, origin, typing.get_args(hint), path)
        elif isinstance(hint, type) and issubclass(hint, enum.Enum):
            allowed = [member.value for member in hint]
            if value not in allowed or isinstance(value, bool):
                yield f"{path}: {value!r} is not one of {allowed}"
        elif hint is Dataquery:
            yield from self.target(value, path)
        elif isinstance(hint, type) and hasattr(hint, "from_json"):
            yield from self.model(value, hint, path)
        else:
            yield from _scalar(value, hint, path)

    def union(self, value: object, args: tuple[object, ...], path: str) -> Iterator[str]:
        members = [a for a in args if a is not type(None)]
        if value is None and len(members) < len(args):
            return
        if dashboard.RowPanel in members and isinstance(value, dict):
            # Grafana tells a row from a panel by its type, as from_json does.
            row = value.get("type") == "row"
            yield from self.model(value, dashboard.RowPanel if row else dashboard.Panel, path)
            return
        tries = [list(self.check(value, member, path)) for member in members]
        if all(tries):
            yield from min(tries, key=len)

    def generic(
        self, value: object, origin: object, args: tuple[object, ...], path: str
    ) -> Iterator[str]:
        if origin is typing.Literal:
            if value not in args:
                yield f"{path}: {value!r} is not one of {list(args)}"
        elif origin is list:
            if not isinstance(value, list):
                yield f"{path}: expected a list, got {type(value).__name__}"
                return
            for index, item in enumerate(value):
                yield from self.check(item, args[0], f"{path}[{index}]")
        elif not isinstance(value, dict):
            yield f"{path}: expected an object, got {type(value).__name__}"
        else:
            for key, item in value.items():
                yield from self.check(item, args[1], f"{path}.{key}")

    def target(self, value: object, path: str) -> Iterator[str]:
        if self.source_type == "prometheus":
            yield from self.model(value, import_module("grafana_foundation_sdk.models.prometheus")
                                  .Dataquery, path)  # fmt: skip
        elif self.source_type == "grafana-postgresql-datasource":
            if not isinstance(value, dict):
                yield f"{path}: expected an object"
                return
            for key, item in value.items():
                if key not in _SQL_TARGET:
                    yield f"{path}.{key}: unknown key"
                else:
                    yield from self.check(item, _SQL_TARGET[key], f"{path}.{key}")
            if "refId" not in value or "rawSql" not in value:
                yield f"{path}: refId and rawSql are required"
        else:
            yield f"{path}: no query model for data source type {self.source_type!r}"

    def model(self, value: object, cls: type, path: str) -> Iterator[str]:
        if not isinstance(value, dict):
            yield f"{path}: expected an object ({cls.__name__}), got {type(value).__name__}"
            return
        fields = _fields(cls)
        if cls is dashboard.RowPanel:
            fields["type"] = (typing.Literal["row"], True)
        for key in _ALSO_REQUIRED.get(cls, ()):
            fields[key] = (fields[key][0], True)
        if cls is dashboard.Panel:
            self.panel_type = str(value.get("type", ""))
            source = value.get("datasource")
            self.source_type = str(source.get("type", "")) if isinstance(source, dict) else ""
        yield from (
            f"{path}.{key}: required ({cls.__name__}) but missing"
            for key, (_, required) in fields.items()
            if required and key not in value
        )
        for key, item in value.items():
            where = f"{path}.{key}"
            if key not in fields:
                yield f"{where}: unknown key for {cls.__name__}"
            elif cls is dashboard.Panel and key == "options":
                yield from self.plugin(item, "Options", where)
            elif cls is dashboard.FieldConfig and key == "custom":
                yield from self.plugin(item, "FieldConfig", where)
            else:
                yield from self.check(item, fields[key][0], where)

    def plugin(self, value: object, name: str, path: str) -> Iterator[str]:
        cls = _plugin(self.panel_type, name)
        if cls is None:
            yield f"{path}: panel type {self.panel_type!r} has no {name} model"
        else:
            yield from self.model(value, cls, path)


def violations(board: dict[str, object]) -> list[str]:
    """Every place where ``board`` departs from Grafana's dashboard schema, as JSON paths."""
    found = list(_Walker().model(board, dashboard.Dashboard, "$"))
    found.extend(
        f"$.{key}: required by asetik but missing"
        for key in ("title", "uid", "panels")
        if key not in board
    )
    return found
