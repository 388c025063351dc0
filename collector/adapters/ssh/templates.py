"""ntc-templates (TextFSM) as a pure function: recorded text in, rows out.

The rows are those ntc-templates' ``parse_output`` gives (one dict per record, the template's
value names in lower case), but the work of finding the template is done once per platform
and command: ``parse_output`` matches the command against every row of ntc-templates' index
and builds a TextTable on each call, five times the cost of the parse itself (12.8 of 15 ms
for a Junos ``show chassis hardware``). Commands whose index row names several templates
(merged by key) still go through ``parse_output``.
"""

from __future__ import annotations

import functools
import io
from pathlib import Path
from typing import Any

import ntc_templates
import textfsm
from ntc_templates.parse import parse_output
from textfsm import clitable

TEMPLATES = Path(ntc_templates.__file__).resolve().parent / "templates"


class TemplateError(ValueError):
    """ntc-templates has no template for the command or its template failed on the text."""


@functools.cache
def template_source(platform: str, command: str) -> str | None:
    """The text of the one template ntc-templates' index gives for the command (None when it
    gives several); TemplateError when it gives none."""
    table = clitable.CliTable("index", str(TEMPLATES))
    row = table.index.GetRowMatch({"Command": command, "Platform": platform})
    if not row:
        raise TemplateError(f"{platform} '{command}': tidak ada templat ntc-templates")
    names = str(table.index.index[row]["Template"]).split(":")
    if len(names) != 1:
        return None
    return (TEMPLATES / names[0]).read_text(encoding="utf-8")


def template_rows(platform: str, command: str, text: str) -> list[dict[str, Any]]:
    """The rows the ntc-templates template of ``platform``/``command`` makes of ``text``.

    Raises TemplateError when there is no such template or TextFSM gives up on the text
    (its templates may raise on lines they declare impossible).
    """
    try:
        source = template_source(platform, command)
        if source is None:
            rows = parse_output(platform=platform, command=command, data=text)
        else:
            fsm = textfsm.TextFSM(io.StringIO(source))
            header = [name.lower() for name in fsm.header]
            rows = [dict(zip(header, record, strict=True)) for record in fsm.ParseText(text)]
    except TemplateError:
        raise
    except Exception as exc:
        raise TemplateError(f"{platform} '{command}': {exc}"[:300]) from exc
    if not isinstance(rows, list):
        raise TemplateError(f"{platform} '{command}': hasil bukan daftar baris")
    return [row for row in rows if isinstance(row, dict)]
