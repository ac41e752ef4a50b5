"""Convocation PDFs in bulk. Rendering one WeasyPrint document per intervenant pays, each
time, the style sheets, the fonts and the writing of the PDF (font subsetting): a run
renders several intervenants as one document instead, each convocation starting a new
page, cuts it into one PDF per intervenant with pypdf, and builds the merged PDF for
printing from the documents' pages, without laying anything out twice. Layout itself (most
of the cost) is pure Python: documents are laid out side by side in worker processes."""

import gc
import io
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.template.loader import render_to_string
from django.utils import timezone
from pypdf import PdfReader, PdfWriter
from pypdf.generic import NameObject, TextStringObject

from missions.services.site_address import dec_contact, portal_url

TEMPLATE = "missions/convocations/convocation_pdf.html"
STYLESHEET = Path(__file__).resolve().parents[1] / "templates" / f"{TEMPLATE[:-5]}.css"
ANCHOR = "convocation-{}"  # the id of each convocation's <section> in TEMPLATE
# Convocations per document when processes share the work: small enough for the share
# to even out, large enough that each document's fixed costs stay small.
SHARED_DOCUMENT_SIZE = 10


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
    """A rendered PDF of several convocations: the pages of each, and each one's own PDF."""

    pdf: bytes
    convocations: list
    page_ranges: list  # (first, stop) page indexes, one per convocation
    files: list  # one PDF per convocation


class Printer:
    """What all the documents of a process share, made once: the fonts (WeasyPrint's font
    configuration: Fontconfig's, Pango's font map and the text caches that hang on it) and
    the parsed style sheet, rather than again for each document."""

    def __init__(self):
        from weasyprint import CSS  # heavy import: only in the task worker
        from weasyprint.text.fonts import FontConfiguration

        self.fonts = FontConfiguration()
        self.stylesheet = CSS(string=STYLESHEET.read_text(encoding="utf-8"), font_config=self.fonts)

    def render(self, html):
        from weasyprint import HTML

        return HTML(string=html).render(font_config=self.fonts, stylesheets=[self.stylesheet])


@cache
def printer():
    """This process's Printer."""
    return Printer()


# Set in worker processes (start_worker): the cyclic garbage of each document is collected
# as soon as it is written.
_collect_each_document = False


def start_worker():
    """A PDF worker process starts here: its Printer is made, one small document laid out
    (Pango loads the fonts on first use), and what exists by then (modules, fonts, style
    sheet) is moved out of the garbage collector's sight for good (gc.freeze), so that
    collecting each document's garbage does not rescan it every time."""
    global _collect_each_document
    printer().render('<p>Convocation <strong class="code">IMAG</strong></p>').write_pdf()
    gc.collect()
    gc.freeze()
    _collect_each_document = True


def lay_out(html, titles):
    """Render a document of convocations (`titles`: theirs, in order) and cut it: returns
    its PDF, the (first, stop) pages of each convocation and each one's own PDF. Runs in
    worker processes: plain data in and out."""
    # The boxes of a document live until it is written: the cyclic garbage collector would
    # rescan them again and again (a sixth of the time) for nothing. Its work waits until
    # the document is done, and is then done once, on the document's garbage alone in a
    # worker (start_worker).
    collecting = gc.isenabled()
    gc.disable()
    try:
        document = printer().render(html)
        first_pages, page_count = _first_pages(document), len(document.pages)
        pdf = document.write_pdf()
        del document
        if _collect_each_document:
            gc.collect()
    finally:
        if collecting:
            gc.enable()
    starts = [first_pages.get(ANCHOR.format(index)) for index in range(len(titles))]
    ranges = list(zip(starts, [*starts[1:], page_count], strict=True))
    # Cutting the document relies on the template: one page break before each convocation.
    if starts[0] != 0 or any(start is None or start >= stop for start, stop in ranges):
        raise RuntimeError("Convocations : chaque intervenant doit commencer une nouvelle page.")
    return pdf, ranges, _split(pdf, ranges, titles)


def _first_pages(document):
    """The number of the page where each anchor first appears."""
    first = {}
    for number, page in enumerate(document.pages):
        for anchor in page.anchors:
            first.setdefault(anchor, number)
    return first


def _split(pdf, ranges, titles):
    reader = PdfReader(io.BytesIO(pdf))
    producer, files = _producer(reader), []
    for (start, stop), title in zip(ranges, titles, strict=True):
        writer = PdfWriter()
        for number in range(start, stop):
            writer.add_page(reader.pages[number])
        files.append(_write(writer, {"/Title": title, "/Producer": producer}))
    return files


def _write(writer, metadata):
    writer.add_metadata(metadata)
    writer.root_object[NameObject("/Lang")] = TextStringObject("fr")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _producer(reader):
    return str((reader.metadata or {}).get("/Producer", "WeasyPrint"))


class Renderer:
    """Lays out documents: here, or with `processes` > 1, side by side in that many worker
    processes (threads would share one core). Use it as a context manager. As with any
    process pool, the main module (manage.py) must import without side effects."""

    def __init__(self, processes=1):
        self.processes = max(1, min(processes, os.cpu_count() or 1))
        self._pool = None

    def __enter__(self):
        if self.processes > 1:
            # A fork server, not a fork of this process: the workers share none of its
            # database connections or threads, and start with WeasyPrint already imported.
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload(["weasyprint", __name__])
            self._pool = ProcessPoolExecutor(
                self.processes, mp_context=context, initializer=start_worker
            )
            # Start the workers now: they load while the first batch is being issued.
            for _ in range(self.processes):
                self._pool.submit(os.getpid)
        return self

    def __exit__(self, *exc_info):
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)
            self._pool = None

    def render(self, convocations, run):
        """The convocations as documents, in order: one, or with workers, documents of
        SHARED_DOCUMENT_SIZE that each worker takes as soon as it is free."""
        size = SHARED_DOCUMENT_SIZE if self._pool else len(convocations)
        parts = [convocations[start : start + size] for start in range(0, len(convocations), size)]
        htmls = [_html(part, run) for part in parts]
        titles = [[convocation.title for convocation in part] for part in parts]
        results = (
            self._pool.map(lay_out, htmls, titles) if self._pool else map(lay_out, htmls, titles)
        )
        return [
            Document(pdf, part, ranges, files)
            for part, (pdf, ranges, files) in zip(parts, results, strict=True)
        ]


def _html(convocations, run):
    return render_to_string(
        TEMPLATE,
        {
            "convocations": convocations,
            "run": run,
            "issued_on": timezone.localdate(),
            "portal_url": portal_url(),
            "contact": dec_contact(),
        },
    )


class Merged:
    """The PDF for printing: the documents' pages in order, one bookmark per intervenant.
    Documents are added as their batch is done (while the next batch's PDFs are laid out),
    the file written at the end."""

    def __init__(self):
        self.writer, self.producer = PdfWriter(), "WeasyPrint"

    def add(self, document):
        reader = PdfReader(io.BytesIO(document.pdf))
        self.producer, offset = _producer(reader), len(self.writer.pages)
        for page in reader.pages:
            self.writer.add_page(page)
        for convocation, (start, _) in zip(
            document.convocations, document.page_ranges, strict=True
        ):
            self.writer.add_outline_item(title=convocation.title, page_number=offset + start)

    def pdf(self):
        if not self.writer.pages:
            return None
        return _write(self.writer, {"/Title": "Convocations", "/Producer": self.producer})
