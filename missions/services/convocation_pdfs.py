"""Convocation PDFs in bulk. Rendering one WeasyPrint document per intervenant pays, each
time, the style sheets, the fonts and the writing of the PDF (font subsetting): a run
renders a chunk of intervenants as one document instead, each convocation starting a new
page, cuts it into one PDF per intervenant with pypdf, and builds the merged PDF for
printing from the chunks' pages, without rendering anything twice."""

import io
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
class Chunk:
    """A rendered chunk: its PDF, and the pages of each convocation in it."""

    pdf: bytes
    convocations: list
    page_ranges: list  # (first, stop) page indexes, one per convocation


def render_chunk(convocations, run):
    """Render the convocations as one document and find where each one's pages are."""
    from weasyprint import HTML  # heavy import: only in the worker

    html = render_to_string(
        TEMPLATE,
        {
            "convocations": convocations,
            "run": run,
            "issued_on": timezone.localdate(),
            "portal_url": f"{settings.WAGTAILADMIN_BASE_URL}/espace/",
        },
    )
    document = HTML(string=html).render()
    first_pages = {}
    for number, page in enumerate(document.pages):
        for anchor in page.anchors:
            first_pages.setdefault(anchor, number)
    starts = [first_pages.get(ANCHOR.format(index)) for index in range(len(convocations))]
    stops = [*starts[1:], len(document.pages)]
    ranges = list(zip(starts, stops, strict=True))
    # Cutting the document relies on the template: one page break before each convocation.
    if starts and (starts[0] != 0 or any(s is None or s >= e for s, e in ranges)):
        raise RuntimeError("Convocations : chaque intervenant doit commencer une nouvelle page.")
    return Chunk(document.write_pdf(), list(convocations), ranges)


def _write(writer, metadata):
    writer.add_metadata(metadata)
    writer.root_object[NameObject("/Lang")] = TextStringObject("fr")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _producer(reader):
    return str((reader.metadata or {}).get("/Producer", "WeasyPrint"))


def split_chunk(chunk):
    """One PDF per convocation of the chunk, in order, holding only that one's pages."""
    reader = PdfReader(io.BytesIO(chunk.pdf))
    producer, files = _producer(reader), []
    for convocation, (start, stop) in zip(chunk.convocations, chunk.page_ranges, strict=True):
        writer = PdfWriter()
        for number in range(start, stop):
            writer.add_page(reader.pages[number])
        files.append(_write(writer, {"/Title": convocation.title, "/Producer": producer}))
    return files


def merge_chunks(chunks):
    """The PDF for printing: the chunks' pages in order, one bookmark per intervenant."""
    writer, producer = PdfWriter(), "WeasyPrint"
    for chunk in chunks:
        reader = PdfReader(io.BytesIO(chunk.pdf))
        producer, offset = _producer(reader), len(writer.pages)
        for page in reader.pages:
            writer.add_page(page)
        for convocation, (start, _) in zip(chunk.convocations, chunk.page_ranges, strict=True):
            writer.add_outline_item(title=convocation.title, page_number=offset + start)
    if not writer.pages:
        return None
    return _write(writer, {"/Title": "Convocations", "/Producer": producer})
