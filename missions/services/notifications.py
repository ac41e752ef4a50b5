"""Email notices to intervenants (convocation, sent back, validated, rejected, paid, deadline
reminder), through an outbox: the Notification row is written in the caller's transaction,
then delivered after commit; what fails stays pending for `manage.py send_notifications`."""

import logging
from contextlib import suppress
from datetime import timedelta

from django.core.mail import get_connection, send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from missions.enums import EDITABLE_STATUSES
from missions.models import EtatDeFrais, Notification
from missions.money import format_xpf
from missions.services.site_address import site_root_url

logger = logging.getLogger("missions.notifications")

SUBJECTS = {
    "convocation": "IMAG'IN : une nouvelle convocation vous attend",
    "sent_back": "IMAG'IN : votre saisie est à corriger",
    "controlled": "IMAG'IN : votre état de frais est validé",
    "rejected": "IMAG'IN : votre demande n'a pas été retenue",
    "paid": "IMAG'IN : paiement effectué",
    "reminder": "IMAG'IN : date limite de saisie proche",
}
# Transition name -> notice sent to the intervenant.
TRANSITION_NOTICES = {
    "send_back": "sent_back",
    "control": "controlled",
    "reject": "rejected",
    "mark_paid": "paid",
}


def _notice(kind, intervenant, context, base_url=None):
    body = render_to_string(
        f"missions/emails/{kind}.txt",
        {"intervenant": intervenant, "base_url": base_url or site_root_url(), **context},
    )
    return Notification(
        recipient=intervenant.email,
        subject=SUBJECTS[kind],
        body=body,
        intervenant=intervenant,
        kind=kind,
    )


def queue(kind, intervenant, context):
    """Write the notice now; deliver it once the surrounding transaction commits."""
    if not intervenant.email:
        logger.warning("Pas de courriel pour %s : notification %s non envoyée", intervenant, kind)
        return None
    notice = _notice(kind, intervenant, context)
    notice.save()
    transaction.on_commit(lambda: deliver([notice.pk]))
    return notice


def queue_message(recipient, subject, body, *, kind):
    """A notice to someone who is not an intervenant (a staff account), through the same
    outbox: delivered after commit, retried if the mail server fails."""
    if not recipient:
        logger.warning("Pas de courriel : notification %s non envoyée", kind)
        return None
    notice = Notification.objects.create(recipient=recipient, subject=subject, body=body, kind=kind)
    transaction.on_commit(lambda: deliver([notice.pk]))
    return notice


def on_transition(part, name, reason=""):
    kind = TRANSITION_NOTICES.get(name)
    if kind is None:
        return None
    mission = part.etat.mission
    return queue(
        kind,
        mission.intervenant,
        {
            "mission": mission,
            "part": part,
            "reason": reason,
            "amount": format_xpf(part.amount),
        },
    )


def notify_convocations(missions, with_first_password):
    """One convocation notice per mission, written in one insert and delivered together (one
    mail server session) once the surrounding transaction commits. `with_first_password`
    holds the pks of the intervenants whose convocation carries a first password."""
    notices, base_url = [], site_root_url()  # one query for the batch, not one per notice
    for mission in missions:
        person = mission.intervenant
        if not person.email:
            logger.warning("Pas de courriel pour %s : notification convocation non envoyée", person)
            continue
        context = {"mission": mission, "first_password": person.pk in with_first_password}
        notices.append(_notice("convocation", person, context, base_url))
    Notification.objects.bulk_create(notices)
    ids = [notice.pk for notice in notices]
    if ids:
        transaction.on_commit(lambda: deliver(ids))
    return notices


def deliver(ids=None, max_attempts=5):
    """Send pending notices (all, or those in `ids`); a failure is counted and logged,
    never raised: the status change it announces is already saved."""
    pending = Notification.objects.pending(max_attempts).order_by("pk")  # oldest first
    if ids is not None:
        pending = pending.filter(pk__in=ids)
    sent = 0
    # One mail server session for the whole batch rather than one per notice.
    connection = get_connection()
    try:
        for notice in pending:
            try:
                connection.open()  # a no-op while the session is up
                send_mail(
                    notice.subject, notice.body, None, [notice.recipient], connection=connection
                )
            except Exception as error:  # any transport error: keep it for a retry
                with suppress(Exception):
                    connection.close()  # the next notice starts a fresh session
                notice.attempts += 1
                notice.last_error = str(error)[:300]
                notice.save(update_fields=["attempts", "last_error"])
                logger.warning("Échec d'envoi de la notification %s : %s", notice.pk, error)
            else:
                notice.sent_at = timezone.now()
                notice.attempts += 1
                notice.save(update_fields=["sent_at", "attempts"])
                sent += 1
    finally:
        with suppress(Exception):
            connection.close()
    return sent


def send_deadline_reminders(days=7, today=None):
    """One reminder per état de frais still to enter, `days` days or less before its
    deadline. Returns how many were queued."""
    today = today or timezone.localdate()
    horizon = today + timedelta(days=days)
    etats = (
        EtatDeFrais.objects.filter(
            reminded_at__isnull=True,
            parts__status__in=EDITABLE_STATUSES,
            mission__session__entry_deadline__gte=today,
            mission__session__entry_deadline__lte=horizon,
        )
        .select_related("mission__intervenant", "mission__session", "mission__activity")
        .distinct()
    )
    count = 0
    for etat in etats:
        with transaction.atomic():
            if queue(
                "reminder",
                etat.mission.intervenant,
                {"mission": etat.mission, "deadline": etat.entry_deadline},
            ):
                count += 1
            EtatDeFrais.objects.filter(pk=etat.pk).update(reminded_at=timezone.now())
    return count
