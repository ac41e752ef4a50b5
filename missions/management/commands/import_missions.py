"""`manage.py import_missions FILE [--kind ...] [--dry-run]`: the admin import, for big files."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from missions.io.imports import IMPORT_KINDS, ImportFileError, read_file, run_import


class ProgressBar:
    """A textual progress bar on stderr: redrawn in place on a terminal, one line per tenth
    otherwise (logs)."""

    WIDTH = 30

    def __init__(self, stream):
        self.stream = stream
        self.interactive = stream.isatty()
        self.last_tenth = -1

    def __call__(self, done, total):
        if not total:
            return
        tenth = done * 10 // total
        if not self.interactive and tenth == self.last_tenth:
            return
        self.last_tenth = tenth
        filled = self.WIDTH * done // total
        bar = "#" * filled + "." * (self.WIDTH - filled)
        line = f"[{bar}] {done}/{total} lignes ({done * 100 // total} %)"
        if self.interactive:
            self.stream.write(f"\r{line}", ending="\n" if done == total else "")
        else:
            self.stream.write(line)
        self.stream.flush()


class Command(BaseCommand):
    help = (
        "Importe un fichier CSV ou XLSX d'intervenants, de centres ou de missions, tout ou "
        "rien : si une ligne est en erreur, rien n'est importé et les erreurs sont listées."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="fichier .csv ou .xlsx")
        parser.add_argument(
            "--kind", choices=sorted(IMPORT_KINDS), default="missions", help="données du fichier"
        )
        parser.add_argument("--dry-run", action="store_true", help="vérifier sans rien enregistrer")

    def handle(self, *args, file, kind, dry_run, **options):
        path = Path(file)
        try:
            parsed = read_file(path.read_bytes(), path.name)
        except OSError as error:
            raise CommandError(f"Lecture impossible de {path} : {error.strerror}.") from error
        except ImportFileError as error:
            raise CommandError(str(error)) from error

        report = run_import(kind, parsed, dry_run=dry_run, progress=ProgressBar(self.stderr))

        for message in report.general_errors:
            self.stderr.write(message)
        for error in report.errors:
            where = f"ligne {error.line}"
            if error.column:
                where += f", colonne « {error.column} »"
            if error.value:
                where += f" (valeur « {error.value} »)"
            self.stderr.write(f"{where} : {error.message}")
        if not report.ok:
            raise CommandError(
                f"{report.invalid} ligne(s) en erreur sur {report.total_rows} : "
                "rien n'a été importé."
            )
        verb = "seraient" if dry_run else "ont été"
        self.stdout.write(
            f"{report.total_rows} lignes lues en {report.seconds:.1f} s "
            f"({report.rows_per_second} lignes/s) : {report.new} {verb} créées, "
            f"{report.update} mises à jour, {report.skip} inchangées."
            + (" Vérification seule : rien n'a été enregistré." if dry_run else "")
        )
