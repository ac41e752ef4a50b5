from django.core.management.base import BaseCommand

from missions.services.convocations import open_due_parts
from missions.services.notifications import deliver, send_deadline_reminders


class Command(BaseCommand):
    help = (
        "Tâche périodique (cron, toutes les heures) : ouvre la saisie des missions commencées, "
        "envoie les rappels de date limite et renvoie les notifications en échec."
    )

    def add_arguments(self, parser):
        parser.add_argument("--reminder-days", type=int, default=7)

    def handle(self, *args, reminder_days=7, **options):
        opened = open_due_parts()
        reminders = send_deadline_reminders(days=reminder_days)
        sent = deliver()
        self.stdout.write(
            f"{opened} saisie(s) ouverte(s), {reminders} rappel(s), "
            f"{sent} notification(s) envoyée(s)."
        )
