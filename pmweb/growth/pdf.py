"""The printable development plan as a PDF, drawn by WeasyPrint from the same page
the browser prints. WeasyPrint is a Python package (it needs the system's Pango), so
the app server makes PDFs without running a browser."""

import mimetypes
import pathlib
from urllib.parse import urlparse

try:
    from weasyprint import CSS, HTML
    from weasyprint.urls import URLFetcher, URLFetcherResponse
except OSError:  # WeasyPrint loads Pango when imported; without it the app still runs.
    CSS = HTML = None
    URLFetcher = object


class PdfUnavailable(Exception):
    """This server cannot draw PDFs: the system's Pango library is missing."""


def render(html, paper, static_folder, static_url):
    """The PDF of ``html`` on ``paper`` ("A4" or "Letter"); ``static_url`` is where the
    page links the static files (``/static/`` unless the app has a URL prefix)."""
    if HTML is None:
        raise PdfUnavailable(
            "PDFs need the Pango library on the server (Debian: apt-get install "
            "libpango-1.0-0 libpangoft2-1.0-0). The printable view still prints."
        )
    fetcher = StaticFilesOnly(pathlib.Path(static_folder), static_url)
    # PDF/UA-1: a tagged PDF (headings, lists, tables and reading order for a screen
    # reader) with the page's language and title; PDF 1.7, which every reader opens.
    return HTML(string=html, base_url="http://pmweb.invalid/", url_fetcher=fetcher).write_pdf(
        stylesheets=[CSS(string=f"@page {{ size: {paper}; }}")], pdf_variant="pdf/ua-1"
    )


class StaticFilesOnly(URLFetcher):
    """Fetches the page's own stylesheets from disk, and nothing else: a link someone
    wrote in their plan must never make the server request it."""

    def __init__(self, root, static_url):
        super().__init__(allowed_protocols=("http",))
        self.root = root.resolve()
        self.prefix = static_url

    def fetch(self, url, headers=None):
        path = urlparse(url).path
        if not path.startswith(self.prefix):
            raise ValueError(f"not fetched for a PDF: {url}")
        file = (self.root / path.removeprefix(self.prefix)).resolve()
        if self.root not in file.parents or not file.is_file():
            raise ValueError(f"not a static file: {url}")
        mime_type = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, body=file.read_bytes(), headers={"Content-Type": mime_type})


def file_name(person_name):
    """``development-plan-lee-park.pdf``: letters and digits of the name only."""
    words = "".join(c if c.isalnum() else " " for c in person_name.lower()).split()
    return "-".join(["development-plan", *words]) + ".pdf"
