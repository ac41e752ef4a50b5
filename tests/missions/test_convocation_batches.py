"""Convocation runs with PDF worker processes, committing batch by batch as the task worker
does: two batches under way side by side, each in its own thread and transaction
(services/convocation_runs.py: _issue_batches)."""

import io
import threading

import pytest
from pypdf import PdfReader

from missions.models import ConvocationRun, RunStatus
from missions.services import convocation_pdfs, convocation_runs
from tests.missions.test_convocations import batched_run, centre, pdf_pages, session  # noqa: F401

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def side_by_side(settings, monkeypatch):
    """Two worker processes; the threads each batch ran in."""
    settings.CONVOCATION_PDF_PROCESSES = 2
    monkeypatch.setattr(convocation_pdfs, "SHARED_DOCUMENT_SIZE", 1)
    threads, issue = [], convocation_runs._issue_batch

    def issue_and_record(run, people, *args):
        threads.append(threading.current_thread().name)
        return issue(run, people, *args)

    monkeypatch.setattr(convocation_runs, "_issue_batch", issue_and_record)
    return threads


def test_batches_side_by_side__each_intervenant_their_own_pages_in_order(
    session,  # noqa: F811
    centre,  # noqa: F811
    monkeypatch,
    side_by_side,
):
    run, people = batched_run(session, centre, monkeypatch, [1, 16, 2, 1, 3, 1, 1])

    convocation_runs.execute_run.call(run.pk)

    run.refresh_from_db()
    assert (run.status, run.done, run.documents.count()) == (RunStatus.DONE, 25, 7)
    assert len(side_by_side) == 4 and all(n.startswith("convocations") for n in side_by_side)
    for intervenant in people:
        with run.documents.get(intervenant=intervenant).pdf.open("rb") as handle:
            text = "\n".join(pdf_pages(handle.read()))
        assert text.count("Identifiant :") == 1
        assert f"Identifiant : {intervenant.identifier}" in text
        for mission in intervenant.missions.all():
            assert mission.convocation_number in text
    with run.merged_pdf.open("rb") as handle:
        merged = PdfReader(io.BytesIO(handle.read()))
    assert [item.title for item in merged.outline] == [
        f"Convocation — {p.full_name}" for p in people
    ]
    assert len(merged.pages) == 8  # 16 missions take two pages


def test_batches_side_by_side__a_failing_batch_issues_nothing_the_others_finish(
    session,  # noqa: F811
    centre,  # noqa: F811
    monkeypatch,
    side_by_side,
):
    run, people = batched_run(session, centre, monkeypatch, [1, 1, 1, 1, 1, 1, 1, 1])
    render = convocation_pdfs.Renderer.render

    def fail_on_second_batch(renderer, convocations, run_):
        if convocations[0].intervenant == people[2]:
            raise RuntimeError("WeasyPrint en panne")
        return render(renderer, convocations, run_)

    monkeypatch.setattr(convocation_pdfs.Renderer, "render", fail_on_second_batch)

    with pytest.raises(RuntimeError):
        convocation_runs.execute_run.call(run.pk)

    run = ConvocationRun.objects.get(pk=run.pk)
    assert run.status == RunStatus.FAILED and "WeasyPrint en panne" in run.error
    issued = set(
        session.missions.filter(issued_at__isnull=False).values_list("intervenant", flat=True)
    )
    # The first batch, and the third already under way when the second failed.
    assert issued == {people[0].pk, people[1].pk, people[4].pk, people[5].pk}
    assert {d.intervenant_id for d in run.documents.all()} == issued
    assert run.done == 4
