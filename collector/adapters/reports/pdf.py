"""HTML to PDF with WeasyPrint, fetching nothing: the templates carry their own styles, and no
text from the records (a vendor's note, a file name) can make the renderer open a URL or file."""

from __future__ import annotations

from typing import Final

from weasyprint import HTML
from weasyprint.urls import URLFetcher

_NO_SCHEMES: Final[tuple[str, ...]] = ()


def html_to_pdf(html: str) -> bytes:
    """The PDF of a complete HTML page."""
    fetcher = URLFetcher(allowed_protocols=_NO_SCHEMES, timeout=1)
    document: bytes = HTML(string=html, url_fetcher=fetcher).write_pdf()
    return document
