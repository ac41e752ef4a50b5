"""A solve as a background task (django-tasks), its progress written on a SolveRun row that
the DEC's screen reloads."""

import logging

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from assignment.models import SolveRun, SolveStatus
from assignment.services import proposals

logger = logging.getLogger(__name__)


def start_solve(session, user):
    """Record a run and queue it once the transaction commits; refuse a second one while
    one is pending or running."""
    with transaction.atomic():
        active = SolveRun.objects.select_for_update().filter(
            session=session, status__in=[SolveStatus.PENDING, SolveStatus.RUNNING]
        )
        if active.exists():
            raise proposals.AssignmentError(
                "Un calcul est déjà en cours pour cette session : attendez qu'il se termine."
            )
        run = SolveRun.objects.create(session=session, requested_by=user)
        transaction.on_commit(lambda: execute_solve.enqueue(run.pk))
    return run


@task()
def execute_solve(run_id):
    started = SolveRun.objects.filter(pk=run_id, status=SolveStatus.PENDING).update(
        status=SolveStatus.RUNNING
    )
    if not started:
        return
    run = SolveRun.objects.select_related("session").get(pk=run_id)

    def progress(message):
        SolveRun.objects.filter(pk=run_id).update(progress=message[:200])

    try:
        summary = proposals.compute(run.session, progress=progress)
    except Exception as error:
        logger.exception("Calcul d'affectation %s en échec", run_id)
        SolveRun.objects.filter(pk=run_id).update(
            status=SolveStatus.FAILED, error=str(error)[:2000], finished_at=timezone.now()
        )
        raise
    SolveRun.objects.filter(pk=run_id).update(
        status=SolveStatus.DONE,
        progress="Terminé.",
        summary=summary.as_json(),
        finished_at=timezone.now(),
    )
