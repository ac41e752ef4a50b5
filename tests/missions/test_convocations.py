"""Convocation runs: dry run, issue with PDFs and first passwords, emails, reissue, cancel."""

import io
import re

import pytest
from django.core import mail
from django.urls import reverse
from pypdf import PdfReader

from missions.enums import PartNature, PartStatus
from missions.models import ConvocationRun, FeePart, Notification, RunStatus
from missions.services import convocation_pdfs, convocation_runs
from missions.services.convocation_pdfs import Renderer
from missions.services.convocation_runs import cancel_run, create_run, plan_run
from tests.factories import (
    CentreFactory,
    IntervenantFactory,
    MissionFactory,
    SessionFactory,
    chef_de_centre,
    commune,
    gestionnaire,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    return django_capture_on_commit_callbacks


@pytest.fixture
def session():
    return SessionFactory(name="Bac 2026, session de juin")


@pytest.fixture
def centre():
    centre = CentreFactory(name="Lycée Paul-Gauguin")
    chef_de_centre(centre)
    return centre


def person(**kwargs):
    defaults = {"user": None, "address": "BP 12", "home_commune": commune("Uturoa")}
    return IntervenantFactory(**{**defaults, **kwargs})


def pdf_text(field_file):
    with field_file.open("rb") as handle:
        return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(handle.read())).pages)


def test_plan__lists_blocking_problems_in_french(session, centre):
    ok = MissionFactory(session=session, centre=centre, intervenant=person())
    no_email = MissionFactory(session=session, centre=centre, intervenant=person(email=""))
    orphan_centre = MissionFactory(session=session, intervenant=person())
    twin = person()
    first = MissionFactory(session=session, centre=centre, intervenant=twin, epreuve="Maths")
    MissionFactory(session=session, centre=CentreFactory(), intervenant=twin, epreuve="Maths 2")
    plan = plan_run(session.missions.all())
    blocked = {mission.pk: problems for mission, problems in plan.blocked}
    assert ok in plan.ready
    assert "Intervenant sans adresse électronique." in blocked[no_email.pk]
    assert any("sans chef de centre" in p for p in blocked[orphan_centre.pk])
    assert any("Doublon probable" in p for p in blocked[first.pk])


def test_run__issues_missions_renders_pdfs_and_emails(session, centre, on_commit):
    alice, bruno = person(last_name="Amaru"), person(last_name="Tapu")
    for intervenant, day in ((alice, 16), (alice, 17), (bruno, 16)):
        MissionFactory(
            session=session,
            centre=centre,
            intervenant=intervenant,
            start_date=session.start_date.replace(day=day),
        )
    with on_commit(execute=True):
        run, _ = create_run(session, session.missions.all(), gestionnaire())
    run.refresh_from_db()
    assert (run.status, run.total, run.done) == (RunStatus.DONE, 3, 3)
    assert run.documents.count() == 2  # one PDF per intervenant
    assert FeePart.objects.filter(nature=PartNature.REMUNERATION).count() == 3
    assert len(mail.outbox) == 3
    assert "convocation" in mail.outbox[0].subject

    document = run.documents.get(intervenant=alice)
    text = pdf_text(document.pdf)
    assert alice.identifier in text
    password = re.search(r"Premier mot de passe : (\S+)", text).group(1)
    alice.refresh_from_db()
    assert alice.user.check_password(password)
    assert alice.must_change_password
    merged = pdf_text(run.merged_pdf)
    assert alice.identifier in merged and bruno.identifier in merged


def test_run__portal_login_with_the_pdf_credentials(client, session, centre, on_commit):
    intervenant = person()
    MissionFactory(session=session, centre=centre, intervenant=intervenant)
    with on_commit(execute=True):
        run, _ = create_run(session, session.missions.all(), gestionnaire())
    text = pdf_text(run.documents.get().pdf)
    password = re.search(r"Premier mot de passe : (\S+)", text).group(1)
    response = client.post(
        reverse("portal:login"), {"username": intervenant.identifier, "password": password}
    )
    assert response.status_code == 302
    assert client.get(reverse("portal:missions"))["Location"] == reverse("portal:password_change")


def test_reissue__new_first_password_only_while_never_logged_in(session, centre, on_commit):
    intervenant = person()
    MissionFactory(session=session, centre=centre, intervenant=intervenant, epreuve="A")
    with on_commit(execute=True):
        create_run(session, session.missions.all(), gestionnaire())
    intervenant.refresh_from_db()
    first_hash = intervenant.user.password
    MissionFactory(
        session=session,
        centre=centre,
        intervenant=intervenant,
        epreuve="B",
        start_date=session.end_date,
    )
    with on_commit(execute=True):
        run, _ = create_run(session, session.missions.all(), gestionnaire())
    intervenant.refresh_from_db()
    assert intervenant.user.password != first_hash  # never logged in: a new one
    assert run.documents.get().with_first_password

    intervenant.user.last_login = intervenant.user.date_joined
    intervenant.user.save()
    MissionFactory(
        session=session,
        centre=centre,
        intervenant=intervenant,
        epreuve="C",
        start_date=session.start_date,
    )
    with on_commit(execute=True):
        run, _ = create_run(session, session.missions.all(), gestionnaire())
    assert not run.documents.get().with_first_password
    assert "celui que vous avez choisi" in pdf_text(run.documents.get().pdf)


def test_run__travel_part_sans_frais_under_the_home_commune_rule(session, centre, on_commit):
    MissionFactory(
        session=session, centre=centre, intervenant=person(home_commune=commune("Faa'a"))
    )
    with on_commit(execute=True):
        create_run(session, session.missions.all(), gestionnaire())
    assert FeePart.objects.get(nature=PartNature.TRAVEL).status == PartStatus.NO_FEES


def test_cancel__stops_between_batches(session, centre, monkeypatch):
    monkeypatch.setattr(convocation_runs, "BATCH_SIZE", 2)
    for index in range(5):
        MissionFactory(session=session, centre=centre, intervenant=person(last_name=f"P{index}"))
    run = ConvocationRun.objects.create(session=session, total=5, status=RunStatus.QUEUED)
    run.missions.set(session.missions.all())
    original = Renderer.render
    calls = []

    def render_then_cancel(*args, **kwargs):
        calls.append(1)
        cancel_run(run)  # the DEC clicks "Annuler" while the first batch renders
        return original(*args, **kwargs)

    monkeypatch.setattr(Renderer, "render", render_then_cancel)
    convocation_runs.execute_run.call(run.pk)
    run.refresh_from_db()
    assert run.status == RunStatus.CANCELLED
    assert (run.done, len(calls)) == (2, 1)  # the batch under way is finished, not the next
    assert run.documents.count() == 2 and not run.merged_pdf
    assert session.missions.filter(issued_at__isnull=False).count() == 2
    assert Notification.objects.filter(kind="convocation").count() == 2


def test_admin_screens__gestionnaire_only(client, session, centre):
    MissionFactory(session=session, centre=centre, intervenant=person())
    urls = [
        reverse("missions_convocations:index"),
        reverse("missions_convocations:plan") + f"?session={session.pk}",
    ]
    client.force_login(chef_de_centre(centre))
    for url in urls:
        assert client.get(url).status_code == 403
    client.force_login(gestionnaire())
    for url in urls:
        assert client.get(url).status_code == 200
    assert "1</strong> mission(s) prête(s)" in client.get(urls[1]).content.decode()


def test_admin_flow__dry_run_then_issue(client, session, centre, on_commit):
    MissionFactory(session=session, centre=centre, intervenant=person())
    client.force_login(gestionnaire())
    with on_commit(execute=True):
        response = client.post(reverse("missions_convocations:plan"), {"session": session.pk})
    run = ConvocationRun.objects.get()
    assert response["Location"] == reverse("missions_convocations:run", args=[run.pk])
    page = client.get(response["Location"]).content.decode()
    assert "Terminée" in page and "1 / 1" in page
    pdf = client.get(reverse("missions_convocations:run_pdf", args=[run.pk]))
    assert pdf["Content-Type"] == "application/pdf"


def pdf_pages(data):
    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]


def batched_run(session, centre, monkeypatch, missions_per_person):
    """A run over several batches (of 2 intervenants); returns it with the intervenants."""
    monkeypatch.setattr(convocation_runs, "BATCH_SIZE", 2)
    people = []
    for index, count in enumerate(missions_per_person):
        people.append(person(last_name=f"Chunk{index}"))
        for day in range(count):
            MissionFactory(
                session=session,
                centre=centre,
                intervenant=people[-1],
                epreuve=f"Épreuve {day}",
                start_date=session.start_date.replace(day=1 + day),
            )
    run = ConvocationRun.objects.create(
        session=session, total=sum(missions_per_person), status=RunStatus.QUEUED
    )
    run.missions.set(session.missions.all())
    return run, people


@pytest.mark.parametrize("processes", [1, 2])
def test_run__several_batches_give_each_intervenant_only_their_own_pages(
    session, centre, monkeypatch, settings, processes
):
    # 2: two worker processes share the documents, one convocation each.
    settings.CONVOCATION_PDF_PROCESSES = processes
    monkeypatch.setattr(convocation_pdfs, "SHARED_DOCUMENT_SIZE", 1)
    # 16 missions fill more than one page: documents mix one- and two-page convocations.
    run, people = batched_run(session, centre, monkeypatch, [1, 16, 2, 1, 3])
    convocation_runs.execute_run.call(run.pk)
    run.refresh_from_db()
    assert (run.status, run.done) == (RunStatus.DONE, 23)

    page_counts = []
    for intervenant in people:
        with run.documents.get(intervenant=intervenant).pdf.open("rb") as handle:
            pages = pdf_pages(handle.read())
        page_counts.append(len(pages))
        text = "\n".join(pages)
        assert text.count("Identifiant :") == 1  # one convocation, its owner's
        assert f"Identifiant : {intervenant.identifier}" in text
        others = [p.identifier for p in people if p != intervenant]
        assert not any(identifier in text for identifier in others)
        for mission in intervenant.missions.all():
            assert mission.convocation_number in text  # the number given at this issue
    assert page_counts == [1, 2, 1, 1, 1]

    with run.merged_pdf.open("rb") as handle:
        merged = PdfReader(io.BytesIO(handle.read()))
    assert len(merged.pages) == sum(page_counts)
    assert [item.title for item in merged.outline] == [
        f"Convocation — {p.full_name}" for p in people
    ]
    firsts = [merged.get_destination_page_number(item) for item in merged.outline]
    assert firsts == [0, 1, 3, 4, 5]
    for intervenant, first in zip(people, firsts, strict=True):
        assert intervenant.full_name in merged.pages[first].extract_text()  # the address


def test_run__progress_moves_batch_by_batch(session, centre, monkeypatch):
    run, _ = batched_run(session, centre, monkeypatch, [1, 2, 1, 1, 1])
    original, seen = Renderer.render, []

    def render_and_record(renderer, convocations, run_):
        seen.append((ConvocationRun.objects.get(pk=run.pk).done, len(convocations)))
        return original(renderer, convocations, run_)

    monkeypatch.setattr(Renderer, "render", render_and_record)
    convocation_runs.execute_run.call(run.pk)
    assert seen == [(0, 2), (3, 2), (5, 1)]
    run.refresh_from_db()
    assert (run.status, run.done, run.documents.count()) == (RunStatus.DONE, 6, 5)


def test_run__a_failing_batch_issues_nothing_without_its_pdf(session, centre, monkeypatch):
    run, people = batched_run(session, centre, monkeypatch, [1, 1, 1, 1])
    original = Renderer.render

    def fail_on_second_batch(renderer, convocations, run_):
        if convocations[0].intervenant == people[2]:
            raise RuntimeError("WeasyPrint en panne")
        return original(renderer, convocations, run_)

    monkeypatch.setattr(Renderer, "render", fail_on_second_batch)
    with pytest.raises(RuntimeError):
        convocation_runs.execute_run.call(run.pk)
    run.refresh_from_db()
    assert (run.status, run.done) == (RunStatus.FAILED, 2)
    assert "WeasyPrint en panne" in run.error
    issued = set(
        session.missions.filter(issued_at__isnull=False).values_list("intervenant", flat=True)
    )
    assert issued == {people[0].pk, people[1].pk}
    assert {d.intervenant_id for d in run.documents.all()} == issued
    for intervenant in people[2:]:
        intervenant.refresh_from_db()
        assert intervenant.user is None and not intervenant.must_change_password


def test_lay_out__refuses_to_cut_when_a_convocation_does_not_start_a_page():
    html = '<section id="convocation-0">A</section><section id="convocation-1">B</section>'
    with pytest.raises(RuntimeError, match="nouvelle page"):
        convocation_pdfs.lay_out(html, ["A", "B"])
    pdf, ranges, files = convocation_pdfs.lay_out(
        html.replace("<section id", '<section style="break-before: page" id'), ["A", "B"]
    )
    assert ranges == [(0, 1), (1, 2)] and len(PdfReader(io.BytesIO(pdf)).pages) == 2
    assert [PdfReader(io.BytesIO(f)).metadata.title for f in files] == ["A", "B"]


def test_pdf__dec_phone_email_and_the_sites_own_address(session, centre, on_commit):
    """The PDF prints the DEC's contact settings and the portal at the default Wagtail
    site's address (not a 127.0.0.1 setting)."""
    from wagtail.models import Site

    from home.models import ContactSettings

    site = Site.objects.get(is_default_site=True)
    Site.objects.filter(pk=site.pk).update(hostname="imagin.ac-polynesie.pf", port=443)
    ContactSettings.objects.update_or_create(
        site=site, defaults={"phone": "40 47 84 00", "email": "dec@ac-polynesie.pf"}
    )
    MissionFactory(session=session, centre=centre, intervenant=person())
    with on_commit(execute=True):
        run, _ = create_run(session, session.missions.all(), gestionnaire())
    run.refresh_from_db()
    text = " ".join(pdf_text(run.merged_pdf).split())
    assert "40 47 84 00" in text and "dec@ac-polynesie.pf" in text
    assert "https://imagin.ac-polynesie.pf/espace/" in text
    assert "127.0.0.1" not in text


def test_dry_run__counts_missions_already_issued(client, session, centre, on_commit):
    for _ in range(3):
        MissionFactory(session=session, centre=centre, intervenant=person())
    with on_commit(execute=True):
        first_two = session.missions.filter(pk__in=session.missions.values("pk")[:2])
        create_run(session, first_two, gestionnaire())
    MissionFactory(session=session, centre=centre, intervenant=person())
    plan = plan_run(convocation_runs.missions_to_issue(session))
    assert (plan.already_issued, len(plan.ready)) == (2, 2)
    client.force_login(gestionnaire())
    page = client.get(reverse("missions_convocations:plan"), {"session": session.pk})
    assert "2 mission(s) déjà convoquée(s)" in page.content.decode()


def test_check_deploy__warns_when_the_site_address_is_loopback(settings):
    from wagtail.models import Site

    from missions.checks import portal_address_is_public

    Site.objects.filter(is_default_site=True).update(hostname="127.0.0.1", port=8000)
    assert [w.id for w in portal_address_is_public()] == ["missions.W001"]
    Site.objects.filter(is_default_site=True).update(hostname="imagin.ac-polynesie.pf")
    assert portal_address_is_public() == []
