"""Pages from Jinja2 templates, with numbers and dates written the reader's way (babel):
Indonesian grouping (1.234.567) and dates (28 Nov 2026) by default, English on request."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import jinja2
from aiohttp import web
from babel.dates import format_date, format_datetime
from babel.numbers import format_decimal

from collector.entrypoints.web.messages import messages

_LOCALES = {"id": "id_ID", "en": "en_GB"}


def template_environment() -> jinja2.Environment:
    """The environment over this package's templates, autoescaping every page."""
    return jinja2.Environment(
        loader=jinja2.PackageLoader("collector.entrypoints.web", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def number(value: int, language: str) -> str:
    """A count as the reader groups digits."""
    return format_decimal(value, locale=_LOCALES.get(language, "id_ID"))


def day(value: date | datetime, language: str) -> str:
    """A date as the reader writes it: 28 Nov 2026; a datetime with its time in UTC (the
    collector does not know the reader's zone: WIB, WITA and WIT all occur)."""
    locale = _LOCALES.get(language, "id_ID")
    if isinstance(value, datetime):
        return format_datetime(value, "d MMM yyyy HH.mm 'UTC'", locale=locale, tzinfo=UTC)
    return format_date(value, "d MMM yyyy", locale=locale)


def render(
    environment: jinja2.Environment,
    name: str,
    language: str,
    context: dict[str, Any],
    status: int = 200,
) -> web.Response:
    """The template ``name`` as an HTML response, with the language's texts as ``t``."""
    text = environment.get_template(name).render(
        t=messages(language),
        lang=language,
        number=lambda value: number(value, language),
        day=lambda value: day(value, language),
        **context,
    )
    response = web.Response(text=text, status=status, content_type="text/html")
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["X-Frame-Options"] = "DENY"
    return response
