from django.apps import AppConfig
from django.db.models.signals import post_migrate


class MissionsConfig(AppConfig):
    name = "missions"
    verbose_name = "Missions et états de frais"

    def ready(self):
        from imagin_site.common.spreadsheets import protect_wagtail_exports
        from imagin_site.middleware.csp import nonce_wagtail_choosers
        from missions import checks, reference_data  # noqa: F401 (checks register themselves)
        from missions.roles import sync_role_groups

        reference_data.connect_signals()
        from missions.services import portal_versions

        portal_versions.connect_signals()
        protect_wagtail_exports()
        nonce_wagtail_choosers()
        from missions.backoffice import chrome

        chrome.install()

        # Run once, after the last app's migrations, when every permission exists.
        post_migrate.connect(sync_role_groups, dispatch_uid="missions.sync_role_groups")
