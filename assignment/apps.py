from django.apps import AppConfig


class AssignmentConfig(AppConfig):
    name = "assignment"
    verbose_name = "Affectation des intervenants"

    def ready(self):
        # The import screen lists needs beside missions, without missions knowing of us.
        from missions.services.imports import IMPORT_KINDS, ImportKind

        from .resources import NeedResource

        IMPORT_KINDS.setdefault("besoins", ImportKind("Besoins (affectation)", NeedResource))
