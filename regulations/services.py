"""Creation requests for external intervenants: submit, detect duplicates, accept, refuse."""

import logging
from smtplib import SMTPException

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from imagin_site.common import rate_limits
from imagin_site.common.rate_limits import client_ip
from missions.models import Intervenant
from regulations.admin_urls import url_name
from regulations.models.requests import IntervenantRequest, RequestStatus

logger = logging.getLogger(__name__)

# Submissions of the public form allowed per IP address and window (seconds).
RATE_LIMIT = 10
RATE_WINDOW = 60 * 60


PENDING_DUPLICATE = (
    "Une demande pour cette personne (ou avec cette adresse électronique) est déjà "
    "en cours de traitement par la DEC. Inutile de la renvoyer : vous recevrez une "
    "réponse par courriel."
)


class DuplicateRequest(Exception):
    """Another pending request for the same person was stored first (simultaneous sends)."""


class RequestAlreadyDecided(Exception):
    """The request was accepted or refused in the meantime (another tab, another gestionnaire)."""


def allow_submission(request):
    """Count a submission from this IP; False once the limit of the window is reached."""
    limit = getattr(settings, "INTERVENANT_REQUEST_RATE_LIMIT", RATE_LIMIT)
    return rate_limits.hit(
        "intervenant-request", client_ip(request), limit=limit, window=RATE_WINDOW
    )


def duplicate_message(*, last_name, first_name, birth_date, email):
    """A message for the requester if this person already has a pending request or an
    intervenant record (same names and birth date, or same email); None otherwise."""
    identity = {"last_name": last_name, "first_name": first_name, "birth_date": birth_date}
    if IntervenantRequest.objects.pending().same_person(email=email, **identity).exists():
        return PENDING_DUPLICATE
    same_intervenant = Q(email__iexact=email) | Q(
        last_name__iexact=last_name, first_name__iexact=first_name, birth_date=birth_date
    )
    if Intervenant.objects.filter(same_intervenant).exists():
        return (
            "Cette personne est déjà enregistrée comme intervenant. Pour mettre à jour ses "
            "informations, contactez la DEC."
        )
    return None


def submit_request(form):
    """Store the request from a valid form and notify the DEC. Returns the request.
    Raises DuplicateRequest when a simultaneous submission for the same person won (the
    unique constraints on pending requests)."""
    try:
        with transaction.atomic():
            record = form.save(commit=False)
            record.consent_given_at = timezone.now()
            record.save()
    except IntegrityError as error:
        raise DuplicateRequest(PENDING_DUPLICATE) from error
    _send(
        subject=f"[IMAG'IN] Nouvelle demande de création d'intervenant {record.reference}",
        template="regulations/emails/request_received_dec.txt",
        context={"record": record, "admin_url": admin_url(record)},
        to=[settings.DEC_NOTIFICATION_EMAIL],
    )
    return record


def accept_request(record, actor, home_commune=None):
    """Create the intervenant and its portal account from the request, then tell the requester.

    Returns the new intervenant. Raises RequestAlreadyDecided if the request is not pending.
    """
    from missions.services.intervenants import create_intervenant_from_request

    with transaction.atomic():
        record = IntervenantRequest.objects.select_for_update().get(pk=record.pk)
        if not record.is_pending:
            raise RequestAlreadyDecided(record.get_status_display())
        intervenant = create_intervenant_from_request(record, actor, home_commune)
        record.status = RequestStatus.ACCEPTED
        record.intervenant = intervenant
        record.decided_at = timezone.now()
        record.decided_by = actor
        record.save(update_fields=["status", "intervenant", "decided_at", "decided_by"])
    _send(
        subject=f"Votre demande {record.reference} a été acceptée",
        template="regulations/emails/request_accepted.txt",
        context={"record": record, "intervenant": intervenant},
        to=[record.email],
    )
    return intervenant


def refuse_request(record, actor, reason):
    """Refuse the request with a reason, sent to the requester."""
    with transaction.atomic():
        record = IntervenantRequest.objects.select_for_update().get(pk=record.pk)
        if not record.is_pending:
            raise RequestAlreadyDecided(record.get_status_display())
        record.status = RequestStatus.REFUSED
        record.refusal_reason = reason
        record.decided_at = timezone.now()
        record.decided_by = actor
        record.save(update_fields=["status", "refusal_reason", "decided_at", "decided_by"])
    _send(
        subject=f"Votre demande {record.reference} n'a pas été retenue",
        template="regulations/emails/request_refused.txt",
        context={"record": record},
        to=[record.email],
    )
    return record


def admin_url(record):
    path = reverse(url_name("inspect"), args=[record.pk])
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


def _send(*, subject, template, context, to):
    """Send a plain-text email; a mail server failure is logged, never lost silently,
    and does not undo the recorded decision."""
    from home.models import ContactSettings

    context = {**context, "contact": ContactSettings.for_default_site()}
    try:
        send_mail(subject, render_to_string(template, context), None, to)
    except (SMTPException, OSError):
        logger.exception("Courriel non envoyé : %s", subject)
