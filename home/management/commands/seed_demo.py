import os

from django.core.management.base import BaseCommand
from django.db import transaction

from home import demo


class Command(BaseCommand):
    help = "Construit le site de démonstration (pages, données de référence, comptes)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--password",
            default=os.environ.get("DEMO_PASSWORD"),
            help="Mot de passe commun des comptes de démo (sinon, un mot de passe aléatoire "
            "par compte, affiché à la fin).",
        )

    @transaction.atomic
    def handle(self, *args, password=None, **options):
        demo.seed_home_page()
        accounts = demo.seed_accounts(password)
        self.stdout.write(self.style.SUCCESS("Site de démonstration prêt."))
        self.stdout.write(
            "Comptes de démonstration (mots de passe valables jusqu'au prochain seed) :"
        )
        for username, account_password, role in accounts:
            self.stdout.write(f"  {username:<14} {account_password:<20} {role}")
