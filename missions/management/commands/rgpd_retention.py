from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from missions.services.privacy import apply_retention


class Command(BaseCommand):
    help = (
        "RGPD : anonymise les intervenants sans mission depuis N années (identité, "
        "coordonnées, IBAN, BIC, n° de sécurité sociale) et supprime leurs justificatifs, "
        "pièces du dossier et convocations ; montants et statuts sont conservés."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--years",
            type=int,
            default=None,
            help=f"Durée de conservation (défaut : RGPD_RETENTION_YEARS, "
            f"{settings.RGPD_RETENTION_YEARS} ans).",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Compte sans rien modifier ni supprimer."
        )

    def handle(self, *args, years=None, dry_run=False, **options):
        if years is not None and years < 1:
            raise CommandError("--years doit valoir au moins 1.")
        report = apply_retention(years, dry_run=dry_run)
        prefix = "Simulation : " if dry_run else ""
        verb = "seraient anonymisés" if dry_run else "anonymisés"
        self.stdout.write(
            f"{prefix}dernière mission avant le {report.cutoff:%d/%m/%Y} : "
            f"{report.intervenants} intervenant(s) {verb}, "
            f"{report.skipped_payment_pending} écarté(s) (paiement en cours), "
            f"{report.dossiers} dossier(s) financier(s), "
            f"{report.documents} pièce(s) de dossier, {report.receipts} justificatif(s), "
            f"{report.convocations} convocation(s), {report.notifications} notification(s), "
            f"{report.accounts} compte(s) désactivé(s)."
        )
