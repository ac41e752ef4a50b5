"""Restore a pg_dump into an empty database and compare row counts with the source.

See docs/backups.md. The source is the Django database (or --source-url): run the check
right after the dump, or against a copy that has not changed since.
"""

import glob
import os
import shutil
import subprocess
import uuid

import dj_database_url
import psycopg
from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from psycopg import sql

# Besides every table of our apps (historical tables included).
EXTRA_TABLES = [
    "auth_user",
    "auth_group",
    "wagtailcore_page",
    "wagtailcore_modellogentry",
    "wagtaildocs_document",
    "wagtailimages_image",
    "otp_totp_totpdevice",
]
OUR_APPS = ("missions", "home", "regulations")


def pg_binary(name):
    """Path of a PostgreSQL client program: $PG_BIN_DIR, the PATH, then Debian's folder."""
    if bin_dir := os.environ.get("PG_BIN_DIR"):
        return shutil.which(name, path=bin_dir)
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return candidates[-1] if candidates else None


def main_tables():
    tables = {
        model._meta.db_table
        for app in OUR_APPS
        for model in apps.get_app_config(app).get_models()
        if model._meta.managed and not model._meta.proxy
    }
    return sorted(tables) + EXTRA_TABLES


def connection_params(source_url=None):
    config = (
        dj_database_url.parse(source_url) if source_url else settings.DATABASES["default"].copy()
    )
    if "postgresql" not in config["ENGINE"]:
        raise CommandError("La vérification de restauration demande PostgreSQL.")
    return {
        "dbname": config["NAME"],
        "user": config.get("USER") or None,
        "password": config.get("PASSWORD") or None,
        "host": config.get("HOST") or None,
        "port": str(config["PORT"]) if config.get("PORT") else None,
    }


def connect(params, dbname=None):
    values = {k: v for k, v in {**params, "dbname": dbname or params["dbname"]}.items() if v}
    return psycopg.connect(**values, autocommit=True)


def count_rows(conn, tables):
    existing = {
        row[0]
        for row in conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
        ).fetchall()
    }
    counts = {}
    for table in tables:
        if table in existing:
            query = sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(table))
            counts[table] = conn.execute(query).fetchone()[0]
        else:
            counts[table] = None
    return counts


class Command(BaseCommand):
    help = (
        "Restaure une sauvegarde pg_dump (format custom) dans une base vide, compare le "
        "nombre de lignes des tables principales avec la base source et échoue en cas "
        "d'écart."
    )

    def add_arguments(self, parser):
        parser.add_argument("dump_file", help="Fichier produit par pg_dump --format=custom.")
        parser.add_argument(
            "--target-db",
            help="Base de restauration, créée vide (défaut : un nom temporaire). "
            "Si elle existe déjà, elle doit être vide.",
        )
        parser.add_argument(
            "--source-url", help="Base source (défaut : celle de l'application, DATABASE_URL)."
        )
        parser.add_argument(
            "--keep", action="store_true", help="Garder la base restaurée après la vérification."
        )

    def handle(self, *args, dump_file, target_db=None, source_url=None, keep=False, **options):
        if not os.path.isfile(dump_file):
            raise CommandError(f"Sauvegarde introuvable : {dump_file}")
        pg_restore = pg_binary("pg_restore")
        if not pg_restore:
            raise CommandError("pg_restore introuvable : installez postgresql-client.")
        params = connection_params(source_url)
        target = target_db or f"imagin_restore_check_{uuid.uuid4().hex[:8]}"
        created = self._create_empty(params, target)
        try:
            self._restore(pg_restore, params, target, dump_file)
            tables = main_tables()
            with connect(params) as source, connect(params, target) as restored:
                before, after = count_rows(source, tables), count_rows(restored, tables)
        finally:
            if created and not keep:
                self._drop(params, target)
        mismatches = self._print_table(tables, before, after)
        if mismatches:
            raise CommandError(f"Restauration incomplète : {mismatches} table(s) en écart.")
        kept = f" (base {target} conservée)" if keep else ""
        self.stdout.write(
            self.style.SUCCESS(f"Restauration vérifiée : {len(tables)} tables identiques{kept}.")
        )

    def _create_empty(self, params, target):
        with connect(params) as conn:
            exists = conn.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", [target]
            ).fetchone()
            if not exists:
                conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(target)))
                return True
        with connect(params, target) as conn:
            tables = conn.execute(
                "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"
            ).fetchone()[0]
        if tables:
            raise CommandError(f"La base {target} n'est pas vide ({tables} tables) : refusée.")
        return False

    def _drop(self, params, target):
        with connect(params) as conn:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(target))
            )

    def _restore(self, pg_restore, params, target, dump_file):
        command = [pg_restore, "--no-owner", "--no-privileges", "--exit-on-error"]
        for option, key in (("--host", "host"), ("--port", "port"), ("--username", "user")):
            if params[key]:
                command += [option, params[key]]
        command += ["--dbname", target, dump_file]
        env = {**os.environ}
        if params["password"]:
            env["PGPASSWORD"] = params["password"]
        result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603 (fixed program, no shell)
        if result.returncode:
            raise CommandError(f"pg_restore a échoué : {result.stderr.strip()[:2000]}")

    def _print_table(self, tables, before, after):
        width = max(len(table) for table in tables)
        self.stdout.write(f"{'table':<{width}}  {'source':>9}  {'restaurée':>9}  état")
        mismatches = 0
        for table in tables:
            source, restored = before[table], after[table]
            ok = source == restored
            mismatches += not ok
            self.stdout.write(
                f"{table:<{width}}  {_show(source):>9}  {_show(restored):>9}  "
                f"{'OK' if ok else 'ÉCART'}"
            )
        return mismatches


def _show(count):
    return "absente" if count is None else str(count)
