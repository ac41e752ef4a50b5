from django.apps import AppConfig


class AssignmentConfig(AppConfig):
    name = "assignment"
    verbose_name = "Affectation des intervenants"

    def ready(self):
        # The import screen lists needs beside missions, without missions knowing of us.
        from assignment.resources import NeedResource
        from missions.io.imports import IMPORT_KINDS, ImportKind

        IMPORT_KINDS.setdefault("besoins", ImportKind("Besoins (affectation)", NeedResource))
