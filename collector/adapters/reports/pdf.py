"""HTML to PDF with WeasyPrint, fetching nothing: the templates carry their own styles, and no
text from the records (a vendor's note, a file name) can make the renderer open a URL or file."""

from __future__ import annotations

from typing import Final

_NO_SCHEMES: Final[tuple[str, ...]] = ()


def html_to_pdf(html: str) -> bytes:
    """The PDF of a complete HTML page. WeasyPrint is imported here, at the first report, not
    with the collector: loading it (Pango, fonts) costs half a second that every other CLI
    command would otherwise pay."""
    from weasyprint import HTML  # noqa: PLC0415 - see the docstring
    from weasyprint.urls import URLFetcher  # noqa: PLC0415

    fetcher = URLFetcher(allowed_protocols=_NO_SCHEMES, timeout=1)
    document: bytes = HTML(string=html, url_fetcher=fetcher).write_pdf()
    return document
