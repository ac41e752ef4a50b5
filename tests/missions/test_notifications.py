import datetime
from unittest import mock

import pytest
from django.core import mail
from django.core.mail.backends import locmem
from django.core.management import call_command
from django.test import override_settings

from missions.enums import Actor, PartStatus
from missions.models import Notification
from missions.services import notifications
from missions.services.lifecycle import transition
from tests.factories import MissionFactory, gestionnaire, parts_for

pytestmark = pytest.mark.django_db


def test_sent_back__emails_the_reason(django_capture_on_commit_callbacks):
    mission = MissionFactory(epreuve="Philosophie")
    part, _ = parts_for(mission, status=PartStatus.SERVICE_FAIT)
    with django_capture_on_commit_callbacks(execute=True):
        transition(part, "send_back", actor=Actor.GESTIONNAIRE, user=gestionnaire(),
                   reason="Le bordereau compte 35 copies.")  # fmt: skip
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [mission.intervenant.email]
    assert "à corriger" in message.subject
    assert "Le bordereau compte 35 copies." in message.body
    assert f"/espace/missions/{mission.pk}/" in message.body


def test_paid__emails_the_payment_date(django_capture_on_commit_callbacks):
    mission = MissionFactory()
    part, _ = parts_for(mission, status=PartStatus.IN_PAYMENT)
    part.amount, part.paid_on = 22_076, datetime.date(2026, 10, 3)
    part.save()
    with django_capture_on_commit_callbacks(execute=True):
        transition(part, "mark_paid", actor=Actor.GESTIONNAIRE, user=gestionnaire())
    assert "03/10/2026" in mail.outbox[0].body
    assert "22\u202f076\u00a0XPF" in mail.outbox[0].body


def test_mail_server_failure__keeps_the_status_and_the_notice_for_a_retry(
    django_capture_on_commit_callbacks,
):
    mission = MissionFactory()
    part, _ = parts_for(mission, status=PartStatus.SERVICE_FAIT)
    with (
        mock.patch("missions.services.notifications.send_mail", side_effect=OSError("SMTP down")),
        django_capture_on_commit_callbacks(execute=True),
    ):
        transition(part, "control", actor=Actor.GESTIONNAIRE, user=gestionnaire())
    part.refresh_from_db()
    assert part.status == PartStatus.CONTROLLED
    notice = Notification.objects.get()
    assert (notice.sent_at, notice.attempts, notice.last_error) == (None, 1, "SMTP down")
    assert notifications.deliver() == 1  # the server is back
    notice.refresh_from_db()
    assert notice.sent_at is not None
    assert len(mail.outbox) == 1


class SessionCountingBackend(locmem.EmailBackend):
    """The test mailbox, counting the mail server sessions opened."""

    sessions = 0
    connected = False

    def open(self):
        if self.connected:
            return False
        SessionCountingBackend.sessions += 1
        self.connected = True
        return True

    def close(self):
        self.connected = False


@override_settings(EMAIL_BACKEND="tests.missions.test_notifications.SessionCountingBackend")
def test_convocation_notices__queued_together_sent_in_one_mail_server_session(
    django_capture_on_commit_callbacks,
):
    missions = [MissionFactory(epreuve=f"Épreuve {n}") for n in range(3)]
    SessionCountingBackend.sessions = 0
    with django_capture_on_commit_callbacks(execute=True):
        notices = notifications.notify_convocations(
            missions, with_first_password={missions[0].intervenant_id}
        )
    assert Notification.objects.filter(kind="convocation", sent_at__isnull=False).count() == 3
    assert [m.to for m in mail.outbox] == [[m.intervenant.email] for m in missions]
    assert "premier mot de passe" in notices[0].body and "premier" not in notices[1].body
    assert SessionCountingBackend.sessions == 1


def test_deadline_reminder__once_per_file_within_the_window():
    mission = MissionFactory()  # session deadline 31/08/2026
    parts_for(mission, status=PartStatus.TO_ENTER)
    done = MissionFactory(epreuve="Déjà validée")
    parts_for(done, status=PartStatus.VALIDATED_BY_INTERVENANT)
    assert notifications.send_deadline_reminders(days=7, today=datetime.date(2026, 8, 20)) == 0
    assert notifications.send_deadline_reminders(days=7, today=datetime.date(2026, 8, 25)) == 1
    assert notifications.send_deadline_reminders(days=7, today=datetime.date(2026, 8, 26)) == 0
    notifications.deliver()
    assert "31/08/2026" in mail.outbox[0].body


def test_periodic_command__runs(capsys):
    call_command("send_notifications")
    assert "rappel(s)" in capsys.readouterr().out
