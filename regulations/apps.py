from django.apps import AppConfig


class RegulationsConfig(AppConfig):
    name = "regulations"
    verbose_name = "Réglementation et documentation"

    def ready(self):
        from imagin_site.common import page_cache
        from missions.models import Activity, Rate, RateGroup, TravelRate

        # The rate-table block (rate_tables.py) reads these rows at render time.
        page_cache.invalidate_on_change(Rate, TravelRate, RateGroup, Activity)
