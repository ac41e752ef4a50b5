import json

from django.core.management.base import BaseCommand, CommandError
from django.core.serializers.json import DjangoJSONEncoder

from missions.models import Intervenant
from missions.services.privacy import export_intervenant


class Command(BaseCommand):
    help = (
        "RGPD (droit d'accès) : exporte en JSON tout ce qui est détenu sur un intervenant "
        "(identité, dossier financier, missions, états de frais, historique, notifications)."
    )

    def add_arguments(self, parser):
        parser.add_argument("identifier", help="Identifiant de l'intervenant (ex. PF482913).")
        parser.add_argument("--output", help="Fichier à écrire (défaut : sortie standard).")

    def handle(self, *args, identifier, output=None, **options):
        try:
            intervenant = Intervenant.objects.select_related("user").get(identifier=identifier)
        except Intervenant.DoesNotExist as error:
            raise CommandError(f"Aucun intervenant d'identifiant {identifier}.") from error
        text = json.dumps(
            export_intervenant(intervenant), cls=DjangoJSONEncoder, ensure_ascii=False, indent=2
        )
        if output:
            with open(output, "w", encoding="utf-8") as handle:
                handle.write(text + "\n")
            self.stderr.write(f"Export écrit dans {output}.")
        else:
            self.stdout.write(text)
