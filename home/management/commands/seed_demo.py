import os

from django.core.management.base import BaseCommand
from django.db import transaction

from assignment import demo as assignment_demo
from home.demo import pages as demo_pages
from home.demo import site as demo
from missions.demo import seed as missions_demo


class Command(BaseCommand):
    help = "Construit le site de démonstration (pages, données de référence, comptes)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--password",
            default=os.environ.get("DEMO_PASSWORD"),
            help="Mot de passe commun des comptes de démo (sinon, un mot de passe aléatoire "
            "par compte, affiché à la fin).",
        )
        parser.add_argument(
            "--missions",
            type=int,
            default=1000,
            help="Nombre de missions de démonstration (0 : aucune donnée de missions).",
        )

    @transaction.atomic
    def handle(self, *args, password=None, missions=1000, **options):
        home = demo.seed_home_page()
        demo_pages.seed_public_pages(home)
        accounts = demo.seed_accounts(password)
        if missions:
            summary = missions_demo.seed_missions(
                missions=missions, intervenants=max(10, missions // 5)
            )
            self.stdout.write(f"Missions : {summary}.")
            self.stdout.write(f"Affectation : {assignment_demo.seed_assignment()}.")
        self.stdout.write(self.style.SUCCESS("Site de démonstration prêt."))
        self.stdout.write(
            "Comptes de démonstration (mots de passe valables jusqu'au prochain seed) :"
        )
        for username, account_password, role in accounts:
            self.stdout.write(f"  {username:<14} {account_password:<20} {role}")
