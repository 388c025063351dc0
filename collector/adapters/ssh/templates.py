"""ntc-templates (TextFSM) as a pure function: recorded text in, rows out."""

from __future__ import annotations

from typing import Any

from ntc_templates.parse import parse_output


class TemplateError(ValueError):
    """ntc-templates has no template for the command or its template failed on the text."""


def template_rows(platform: str, command: str, text: str) -> list[dict[str, Any]]:
    """The rows the ntc-templates template of ``platform``/``command`` makes of ``text``.

    Raises TemplateError when there is no such template or TextFSM gives up on the text
    (its templates may raise on lines they declare impossible).
    """
    try:
        rows = parse_output(platform=platform, command=command, data=text)
    except Exception as exc:
        raise TemplateError(f"{platform} '{command}': {exc}"[:300]) from exc
    if not isinstance(rows, list):
        raise TemplateError(f"{platform} '{command}': hasil bukan daftar baris")
    return [row for row in rows if isinstance(row, dict)]
