"""Convocation PDFs: what a process makes once (fonts, style sheet) and what stays each
intervenant's own."""

import gc
import io

import pytest
from pypdf import PdfReader

from missions.models import ConvocationRun
from missions.services import convocation_pdfs
from missions.services.convocation_pdfs import Convocation
from tests.factories import IntervenantFactory, MissionFactory, SessionFactory, commune

SIMPLE = '<section class="convocation" id="convocation-0">A</section>' + (
    '<section class="convocation" id="convocation-1">B</section>'
)


@pytest.fixture
def fresh_printer():
    """No Printer made by an earlier test; none left made by this one's spies."""
    convocation_pdfs.printer.cache_clear()
    yield
    convocation_pdfs.printer.cache_clear()


def texts(pdf):
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def test_printer__fonts_and_style_sheet_made_once_for_every_document(monkeypatch, fresh_printer):
    made, used = [], []
    make, render = convocation_pdfs.Printer.__init__, convocation_pdfs.Printer.render

    def counted_make(printer):
        made.append(printer)
        make(printer)

    def recorded_render(printer, html):
        used.append((printer.fonts, printer.stylesheet))
        return render(printer, html)

    monkeypatch.setattr(convocation_pdfs.Printer, "__init__", counted_make)
    monkeypatch.setattr(convocation_pdfs.Printer, "render", recorded_render)
    for _ in range(3):
        _, ranges, _ = convocation_pdfs.lay_out(SIMPLE, ["A", "B"])
        assert ranges == [(0, 1), (1, 2)]  # the style sheet's page break before each
    assert len(made) == 1
    assert all(fonts is used[0][0] and sheet is used[0][1] for fonts, sheet in used)


@pytest.mark.django_db
def test_lay_out__each_pdf_carries_its_own_identifier_password_and_missions(fresh_printer):
    session = SessionFactory(name="Bac 2026, session de juin")
    run = ConvocationRun.objects.create(session=session, total=2)
    convocations = []
    for name, password in (
        ("Amaru", "Tiare-4821-Moana"),
        ("Tapu", None),
        ("Terii", "Vai-77-Fetia"),
    ):
        person = IntervenantFactory(
            last_name=name, user=None, address="BP 12", home_commune=commune("Uturoa")
        )
        mission = MissionFactory(session=session, intervenant=person, epreuve=f"Épreuve {name}")
        convocations.append(Convocation(person, [mission], password))
    html = convocation_pdfs._html(convocations, run)
    # Twice: a second document, laid out with the same fonts and style sheet, is the same.
    for _ in range(2):
        _, ranges, files = convocation_pdfs.lay_out(html, [c.title for c in convocations])
        assert ranges == [(0, 1), (1, 2), (2, 3)]
        for convocation, pdf in zip(convocations, files, strict=True):
            (text,) = texts(pdf)  # one page each
            others = [c for c in convocations if c is not convocation]
            person = convocation.intervenant
            assert f"Identifiant : {person.identifier}" in text
            assert f"Épreuve {person.last_name}" in text
            assert not any(o.intervenant.identifier in text for o in others)
            assert not any(o.first_password and o.first_password in text for o in others)
            if convocation.first_password:
                assert f"Premier mot de passe : {convocation.first_password}" in text
            else:
                assert "celui que vous avez choisi" in text
            # The footer of the template, on A4 (the style sheet's page).
            assert "Direction des examens et concours" in text
            page = PdfReader(io.BytesIO(pdf)).pages[0]
            assert round(float(page.mediabox.width)) == 595


def test_start_worker__freezes_what_it_starts_with_then_collects_each_document(
    monkeypatch, fresh_printer
):
    collections = []
    collect = gc.collect

    def recorded_collect(*args):
        collections.append(args)
        return collect(*args)

    monkeypatch.setattr(convocation_pdfs, "_collect_each_document", False)
    convocation_pdfs.lay_out(SIMPLE, ["A", "B"])
    monkeypatch.setattr(gc, "collect", recorded_collect)
    convocation_pdfs.lay_out(SIMPLE, ["A", "B"])
    assert collections == []  # outside a worker: the collector does its usual work
    try:
        convocation_pdfs.start_worker()
        assert gc.get_freeze_count() > 0
        collections.clear()
        convocation_pdfs.lay_out(SIMPLE, ["A", "B"])
        assert collections == [()]  # one full collection, of that document's garbage
    finally:
        gc.unfreeze()
