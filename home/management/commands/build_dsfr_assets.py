from django.core.management.base import BaseCommand

from home import dsfr_assets


class Command(BaseCommand):
    help = (
        "Construit la feuille de style DSFR réduite (composants et icônes utilisés) et les "
        "polices Marianne réduites aux caractères du français, dans imagin_site/static/."
    )

    def add_arguments(self, parser):
        parser.add_argument("--css-only", action="store_true", help="Sans les polices.")

    def handle(self, *args, css_only=False, **options):
        for path in dsfr_assets.build(fonts=not css_only):
            self.stdout.write(f"{path} ({path.stat().st_size} octets)")
