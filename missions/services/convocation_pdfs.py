"""Convocation PDFs in bulk. Rendering one WeasyPrint document per intervenant pays, each
time, the style sheets, the fonts and the writing of the PDF (font subsetting): a run
renders many intervenants as one document instead, each convocation starting a new page,
cuts it into one PDF per intervenant with pypdf, and builds the merged PDF for printing
from the documents' pages, without laying anything out twice. Layout itself (most of the
cost) is pure Python: documents are laid out side by side in worker processes."""

import gc
import io
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone
from pypdf import PdfReader, PdfWriter
from pypdf.generic import NameObject, TextStringObject

TEMPLATE = "missions/convocations/convocation_pdf.html"
ANCHOR = "convocation-{}"  # the id of each convocation's <section> in TEMPLATE


@dataclass
class Convocation:
    """One intervenant's convocation: all their missions of the run."""

    intervenant: object
    missions: list
    first_password: str | None = None

    @property
    def title(self):
        return f"Convocation — {self.intervenant.full_name}"


@dataclass
class Document:
    """A rendered PDF of several convocations, and the pages of each one in it."""

    pdf: bytes
    convocations: list
    page_ranges: list  # (first, stop) page indexes, one per convocation


def lay_out(html):
    """WeasyPrint's work on one document: its PDF, its page count and the first page of
    each anchor. Runs in a worker process: takes and returns plain data only."""
    from weasyprint import HTML  # heavy import: only in the task worker

    # The boxes of a document live until it is written: the cyclic garbage collector would
    # rescan them again and again (a sixth of the time) for nothing. Its work waits until
    # the document is done.
    collecting = gc.isenabled()
    gc.disable()
    try:
        document = HTML(string=html).render()
        first_pages = {}
        for number, page in enumerate(document.pages):
            for anchor in page.anchors:
                first_pages.setdefault(anchor, number)
        return document.write_pdf(), len(document.pages), first_pages
    finally:
        if collecting:
            gc.enable()


class Renderer:
    """Lays out documents side by side: in this process and in `processes - 1` worker
    processes (threads would share one core). Use it as a context manager."""

    def __init__(self, processes=1):
        self.processes = max(1, min(processes, os.cpu_count() or 1))
        self._pool = None

    def __enter__(self):
        if self.processes > 1:
            # A fork server, not a fork of this process: the workers share none of its
            # database connections or threads, and start with WeasyPrint already imported.
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload(["weasyprint", __name__])
            self._pool = ProcessPoolExecutor(self.processes - 1, mp_context=context)
            # Start the workers now: they load while the first batch is being issued.
            self._pool.submit(os.getpid)
        return self

    def __exit__(self, *exc_info):
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)
            self._pool = None

    def render(self, convocations, run):
        """The convocations as up to `processes` documents, in order."""
        size = -(-len(convocations) // self.processes)  # ceiling division
        parts = [convocations[start : start + size] for start in range(0, len(convocations), size)]
        htmls = [_html(part, run) for part in parts]
        # The workers take all documents but the first, which this process lays out meanwhile.
        remote = [self._pool.submit(lay_out, html) for html in htmls[1:]] if self._pool else []
        local = [lay_out(html) for html in htmls[: len(htmls) - len(remote)]]
        results = [*local, *(future.result() for future in remote)]
        return [_document(part, *result) for part, result in zip(parts, results, strict=True)]


def _html(convocations, run):
    return render_to_string(
        TEMPLATE,
        {
            "convocations": convocations,
            "run": run,
            "issued_on": timezone.localdate(),
            "portal_url": f"{settings.WAGTAILADMIN_BASE_URL}/espace/",
        },
    )


def _document(convocations, pdf, page_count, first_pages):
    starts = [first_pages.get(ANCHOR.format(index)) for index in range(len(convocations))]
    ranges = list(zip(starts, [*starts[1:], page_count], strict=True))
    # Cutting the document relies on the template: one page break before each convocation.
    if starts[0] != 0 or any(start is None or start >= stop for start, stop in ranges):
        raise RuntimeError("Convocations : chaque intervenant doit commencer une nouvelle page.")
    return Document(pdf, list(convocations), ranges)


def _write(writer, metadata):
    writer.add_metadata(metadata)
    writer.root_object[NameObject("/Lang")] = TextStringObject("fr")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _producer(reader):
    return str((reader.metadata or {}).get("/Producer", "WeasyPrint"))


def split_document(document):
    """One PDF per convocation of the document, in order, holding only that one's pages."""
    reader = PdfReader(io.BytesIO(document.pdf))
    producer, files = _producer(reader), []
    for convocation, (start, stop) in zip(document.convocations, document.page_ranges, strict=True):
        writer = PdfWriter()
        for number in range(start, stop):
            writer.add_page(reader.pages[number])
        files.append(_write(writer, {"/Title": convocation.title, "/Producer": producer}))
    return files


def merge_documents(documents):
    """The PDF for printing: the documents' pages in order, one bookmark per intervenant."""
    writer, producer = PdfWriter(), "WeasyPrint"
    for document in documents:
        reader = PdfReader(io.BytesIO(document.pdf))
        producer, offset = _producer(reader), len(writer.pages)
        for page in reader.pages:
            writer.add_page(page)
        for convocation, (start, _) in zip(
            document.convocations, document.page_ranges, strict=True
        ):
            writer.add_outline_item(title=convocation.title, page_number=offset + start)
    if not writer.pages:
        return None
    return _write(writer, {"/Title": "Convocations", "/Producer": producer})
