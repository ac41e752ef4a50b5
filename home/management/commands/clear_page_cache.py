from django.core.management.base import BaseCommand

from imagin_site.common import page_cache


class Command(BaseCommand):
    help = (
        "Invalide toutes les pages publiques en cache (après un déploiement qui change les "
        "gabarits, ou une modification faite directement en base)."
    )

    def handle(self, *args, **options):
        page_cache.invalidate()
        self.stdout.write("Pages publiques en cache invalidées.")
