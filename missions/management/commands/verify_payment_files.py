"""Re-hash the stored files of every sealed payment batch and say whether each is intact.

Exits with an error when a file is missing or no longer matches the SHA-256 recorded at
export (for a cron job or a monitoring probe)."""

from django.core.management.base import BaseCommand, CommandError

from missions.io.payment_files import verify
from missions.models import PaymentBatch


class Command(BaseCommand):
    help = "Vérifie l'empreinte SHA-256 des fichiers de mise en paiement scellés."

    def add_arguments(self, parser):
        parser.add_argument("numbers", nargs="*", help="Numéros de lot (tous par défaut).")

    def handle(self, *args, numbers, **options):
        batches = PaymentBatch.objects.filter(sealed_at__isnull=False).order_by("number")
        if numbers:
            batches = batches.filter(number__in=numbers)
        altered = 0
        for batch in batches.prefetch_related("files"):
            for check in verify(batch):
                name = f"{batch.number} {check.stored.filename}"
                if check.intact:
                    self.stdout.write(f"intact   {name} {check.stored.sha256}")
                else:
                    altered += 1
                    found = check.actual or "fichier absent"
                    self.stdout.write(
                        f"ALTÉRÉ   {name} attendu {check.stored.sha256}, trouvé {found}"
                    )
        if altered:
            raise CommandError(f"{altered} fichier(s) de mise en paiement altéré(s) ou absent(s).")
        self.stdout.write(self.style.SUCCESS("Tous les fichiers scellés sont intacts."))
