"""The printable development plan as a PDF, drawn by WeasyPrint from the same page
the browser prints. WeasyPrint is a Python package (it needs the system's Pango), so
the app server makes PDFs without running a browser."""

import mimetypes
import pathlib
from urllib.parse import quote, urlparse

try:
    from weasyprint import CSS, HTML
    from weasyprint.urls import URLFetcher, URLFetcherResponse
except OSError:  # WeasyPrint loads Pango when imported; without it the app still runs.
    CSS = HTML = None
    URLFetcher = object


class PdfUnavailable(Exception):
    """This server cannot draw PDFs: the system's Pango library is missing."""


def render(html, paper, static_folder):
    """The PDF of ``html`` on ``paper`` ("A4" or "Letter")."""
    if HTML is None:
        raise PdfUnavailable(
            "PDFs need the Pango library on the server (Debian: apt-get install "
            "libpango-1.0-0 libpangoft2-1.0-0). The printable view still prints."
        )
    fetcher = StaticFilesOnly(pathlib.Path(static_folder))
    return HTML(string=html, base_url="http://pmweb.invalid/", url_fetcher=fetcher).write_pdf(
        stylesheets=[CSS(string=f"@page {{ size: {paper}; }}")]
    )


class StaticFilesOnly(URLFetcher):
    """Fetches the page's own stylesheets from disk, and nothing else: a link someone
    wrote in their plan must never make the server request it."""

    def __init__(self, root):
        super().__init__(allowed_protocols=("http",))
        self.root = root.resolve()

    def fetch(self, url, headers=None):
        path = urlparse(url).path
        if not path.startswith("/static/"):
            raise ValueError(f"not fetched for a PDF: {url}")
        file = (self.root / path.removeprefix("/static/")).resolve()
        if self.root not in file.parents or not file.is_file():
            raise ValueError(f"not a static file: {url}")
        mime_type = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, body=file.read_bytes(), headers={"Content-Type": mime_type})


def attachment(filename):
    ascii_name = filename.encode("ascii", "ignore").decode() or "development-plan.pdf"
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"
