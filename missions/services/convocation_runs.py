"""Issuing a session's convocations in one run: a dry run lists what would be issued and
what blocks; the real run (a background task) issues the missions, gives new accounts a
first password, renders one PDF per intervenant plus a merged one for printing, and emails
each intervenant. It works by batches of intervenants (one transaction each, rendered as
a few WeasyPrint documents side by side): progress moves and cancelling stops it between
two batches."""

import logging
from collections import defaultdict, deque
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import connection, connections, transaction
from django.utils import timezone
from django_tasks import task

from missions.enums import IntervenantStatus
from missions.models import ConvocationDocument, ConvocationRun, Mission, RunStatus
from missions.services import notifications
from missions.services.accounts import issue_first_passwords, needs_first_password
from missions.services.convocation_pdfs import Convocation, Merged, Renderer
from missions.services.convocations import issue_missions
from missions.services.fees import neighbour_map
from missions.services.rulebook import RateBook

logger = logging.getLogger("missions.convocations")

# Intervenants per batch (one transaction): enough to keep the PDF processes busy, few
# enough that the progress moves and a cancellation is honoured within a few seconds.
BATCH_SIZE = 50


@dataclass
class RunPlan:
    ready: list = field(default_factory=list)
    blocked: list = field(default_factory=list)  # (mission, [problems])
    already_issued: int = 0

    @property
    def intervenant_count(self):
        return len({m.intervenant_id for m in self.ready})


def mission_problems(mission, book, duplicates):
    """Why this mission's convocation cannot be issued yet (French), or []."""
    problems = []
    person = mission.intervenant
    if person.status != IntervenantStatus.ACTIVE:
        problems.append(f"Intervenant {person.get_status_display().lower()}.")
    if not person.email:
        problems.append("Intervenant sans adresse électronique.")
    if not person.address:
        problems.append("Intervenant sans adresse postale.")
    if not mission.centre.chefs.all():
        problems.append(f"Centre « {mission.centre.name} » sans chef de centre.")
    group = mission.effective_rate_group
    if book.remuneration_rate(mission.activity_id, group.pk, mission.start_date) is None:
        problems.append(
            f"Aucun taux en vigueur pour « {mission.activity.name} » ({group}) "
            f"au {mission.start_date:%d/%m/%Y}."
        )
    for other in duplicates.get(mission.pk, []):
        problems.append(
            f"Doublon probable : même intervenant, même activité et mêmes dates que la "
            f"mission n° {other} ({mission.session})."
        )
    return problems


def _duplicates(missions):
    """Missions of the same intervenant, activity and session whose dates overlap."""
    by_key = defaultdict(list)
    for mission in missions:
        by_key[(mission.intervenant_id, mission.activity_id, mission.session_id)].append(mission)
    found = defaultdict(list)
    for group in by_key.values():
        for first in group:
            for second in group:
                if first.pk != second.pk and (
                    first.start_date <= second.end_date and second.start_date <= first.end_date
                ):
                    found[first.pk].append(second.pk)
    return found


def plan_run(missions):
    """The dry run of a selection (issued missions included, counted apart): nothing is
    written."""
    book, plan = RateBook.load(), RunPlan()
    plan.already_issued = missions.filter(issued_at__isnull=False).count()
    missions = list(
        missions.filter(issued_at__isnull=True)
        .with_related()
        .prefetch_related("centre__chefs")
        .order_by("intervenant__last_name", "intervenant_id", "start_date")
    )
    duplicates = _duplicates(missions)
    for mission in missions:
        problems = mission_problems(mission, book, duplicates)
        if problems:
            plan.blocked.append((mission, problems))
        else:
            plan.ready.append(mission)
    return plan


@transaction.atomic
def create_run(session, missions, user):
    """Record a run for the missions that are ready, and queue it after commit."""
    plan = plan_run(missions)
    run = ConvocationRun.objects.create(
        session=session, created_by=user, total=len(plan.ready), status=RunStatus.QUEUED
    )
    run.missions.set(plan.ready)
    transaction.on_commit(lambda: execute_run.enqueue(run.pk))
    return run, plan


def cancel_run(run):
    """Ask a queued or running run to stop; missions already issued stay issued."""
    updated = ConvocationRun.objects.filter(
        pk=run.pk, status__in=[RunStatus.QUEUED, RunStatus.RUNNING]
    ).update(cancel_requested=True)
    return bool(updated)


@task()
def execute_run(run_id):
    """The background task: issue, render, email, one batch of intervenants at a time."""
    started = ConvocationRun.objects.filter(pk=run_id, status=RunStatus.QUEUED).update(
        status=RunStatus.RUNNING, started_at=timezone.now()
    )
    if not started:
        return
    run = ConvocationRun.objects.get(pk=run_id)
    try:
        _execute(run)
    except Exception as error:
        logger.exception("Émission %s en échec", run_id)
        ConvocationRun.objects.filter(pk=run_id).update(
            status=RunStatus.FAILED, error=str(error)[:2000], finished_at=timezone.now()
        )
        raise


def _execute(run):
    missions = (
        Mission.objects.filter(pk__in=run.missions.values("pk"))
        .with_related()
        .select_related("intervenant__user", "intervenant__home_commune")
        .order_by("intervenant__last_name", "intervenant_id", "start_date")
    )
    by_person = defaultdict(list)
    for mission in missions:
        by_person[mission.intervenant].append(mission)
    people = list(by_person.items())
    batches = [people[start : start + BATCH_SIZE] for start in range(0, len(people), BATCH_SIZE)]
    run.session, run.created_by  # noqa: B018 (loaded here, not by the batches' threads)
    neighbours = neighbour_map()
    merged, done = Merged(), 0

    def issued(batch):
        nonlocal done
        for document in batch:
            merged.add(document)
        done += sum(len(c.missions) for document in batch for c in document.convocations)
        ConvocationRun.objects.filter(pk=run.pk).update(done=done)

    with Renderer(settings.CONVOCATION_PDF_PROCESSES) as renderer:
        if not _issue_batches(run, batches, neighbours, renderer, issued):
            ConvocationRun.objects.filter(pk=run.pk).update(
                status=RunStatus.CANCELLED, finished_at=timezone.now(), done=done
            )
            return
    pdf = merged.pdf()
    if pdf:
        run.merged_pdf.save(f"convocations-{run.pk}.pdf", ContentFile(pdf), save=False)
    ConvocationRun.objects.filter(pk=run.pk).update(
        merged_pdf=run.merged_pdf.name,
        status=RunStatus.DONE,
        finished_at=timezone.now(),
        done=done,
    )


def _issue_batches(run, batches, neighbours, renderer, issued):
    """Issue the batches, handing each one's documents to `issued` in order; False when a
    cancel request stopped the run between two batches.

    With PDF worker processes, and when each batch commits on its own (not inside an
    enclosing transaction: the tests'), two batches are under way side by side, each in a
    thread with its own connection and transaction: one is issued, stored and committed
    while the other's PDFs are laid out, so that the worker processes do not wait meanwhile
    (a sixth of a run's time). A batch under way when the run is cancelled, or when another
    fails, is finished and counted, as the batch under way always was."""

    def cancel_requested():
        return ConvocationRun.objects.filter(pk=run.pk, cancel_requested=True).exists()

    if renderer.processes == 1 or connection.in_atomic_block:
        for batch in batches:
            if cancel_requested():
                return False
            issued(_issue_batch(run, batch, neighbours, renderer))
        return True

    def issue_apart(batch):
        try:
            return _issue_batch(run, batch, neighbours, renderer)
        finally:
            connections.close_all()  # this thread's own

    cancelled, failure, under_way = False, None, deque()
    with ThreadPoolExecutor(2, thread_name_prefix="convocations") as threads:
        for batch in batches:
            if cancel_requested():
                cancelled = True
                break
            under_way.append(threads.submit(issue_apart, batch))
            if len(under_way) == 2:
                try:
                    issued(under_way.popleft().result())
                except Exception as error:
                    failure = error
                    break
        while under_way:
            try:
                issued(under_way.popleft().result())
            except Exception as error:
                failure = failure or error
    if failure is not None:
        raise failure
    return not cancelled


@transaction.atomic
def _issue_batch(run, people, neighbours, renderer):
    """Issue, render, store and notify some intervenants' convocations in one transaction:
    no mission ends up issued, nor a first password set, without its PDF. Returns the
    rendered documents."""
    issued = issue_missions(
        [mission for _, missions in people for mission in missions],
        user=run.created_by,
        neighbours=neighbours,
    )
    by_person = defaultdict(list)
    for mission in issued:
        by_person[mission.intervenant_id].append(mission)
    # Someone whose missions were all deleted since the run was queued gets nothing.
    people = [person for person, _ in people if by_person[person.pk]]
    if not people:
        return []
    passwords = issue_first_passwords(person for person in people if needs_first_password(person))
    documents = renderer.render(
        [Convocation(p, by_person[p.pk], passwords.get(p.pk)) for p in people], run
    )
    pdfs = [pdf for document in documents for pdf in document.files]
    records = []
    for person, pdf in zip(people, pdfs, strict=True):
        record = ConvocationDocument(
            run=run, intervenant=person, with_first_password=person.pk in passwords
        )
        record.pdf.save(f"convocation-{person.identifier}.pdf", ContentFile(pdf), save=False)
        records.append(record)
    ConvocationDocument.objects.bulk_create(records)
    notifications.notify_convocations(issued, with_first_password=set(passwords))
    for document in documents:
        document.files.clear()  # stored; the run keeps only the pages, for the merged PDF
    return documents


def missions_to_issue(session, centre=None, activity=None):
    """The session's missions, optionally for one centre or activity: those already issued
    are counted by the dry run and skipped by the run."""
    missions = Mission.objects.filter(session=session)
    if centre is not None:
        missions = missions.filter(centre=centre)
    if activity is not None:
        missions = missions.filter(activity=activity)
    return missions
