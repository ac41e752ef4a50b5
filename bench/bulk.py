"""The bulk paths, each run in its own process (`python -m bench.bulk NAME ROWS`) so that
its peak memory (ru_maxrss) is its own; prints one JSON line.

import:   N missions from a CSV through services.imports (read_file + run_import, full
          validation), in a session of their own (emptied first, outside the timing);
          `copy` is PostgreSQL COPY of the same resolved rows into a scratch table shaped
          like missions_mission (the limit).
export:   N états de frais to CSV and XLSX through services.imports.export_file.
convocations: N new missions issued by the convocation run (one PDF per intervenant plus
          the merged PDF), the task body run in this process as a db_worker would, with
          its PDF helper processes (CONVOCATION_PDF_PROCESSES; their memory is not counted).
"""

import csv
import datetime
import io
import json
import os
import resource
import sys
import time

import django


def _setup():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    django.setup()


def settle():
    """Before a timed path: what came before (a previous path, this path's set-up) left
    behind by PostgreSQL, untimed. First the work autovacuum would start on the tables it
    changed: the vacuum that an import's 100,000 new missions set off fell on the export
    timed next (one bench's CSV runs: 58,763, 49,451 and 43,386 rows/s). Then the dirty pages
    written and flushed by the kernel, so that their write-back does not fall on the
    measurement either (the later paths of one run were 20-40 % slower than the first)."""
    from django.db import connection

    from bench.dataset import checkpoint

    vacuum_changed_tables(connection)
    checkpoint(connection)
    os.sync()


def vacuum_changed_tables(connection):
    """VACUUM (ANALYZE) the tables with rows written since their last vacuum or analyze
    (autovacuum's triggers, met or not yet); waits for an autovacuum already at work on one."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relid::regclass::text FROM pg_stat_user_tables "
            "WHERE n_dead_tup > 0 OR n_mod_since_analyze > 0 OR n_ins_since_vacuum > 0"
        )
        for (table,) in cursor.fetchall():
            cursor.execute(f"VACUUM (ANALYZE) {table}")  # a name PostgreSQL quoted


def _import_rows(count, session_name="BENCH import"):
    """Rows of the import CSV: existing intervenants and centres, a dedicated session."""
    from django.utils import timezone

    from missions.models import Activity, Centre, Exam, Intervenant, Session

    exam = Exam.objects.order_by("pk").first()
    start = timezone.localdate() + datetime.timedelta(days=60)
    session, _ = Session.objects.get_or_create(
        exam=exam,
        name=session_name,
        defaults={
            "year": start.year,
            "start_date": start,
            "end_date": start + datetime.timedelta(days=27),
            "entry_deadline": start + datetime.timedelta(days=90),
        },
    )
    people = list(
        Intervenant.objects.filter(identifier__startswith="BX").values_list("pk", "identifier")
    )
    centres = list(Centre.objects.values_list("pk", "uai"))
    activities = list(Activity.objects.values_list("pk", "code"))
    rows = []
    for index in range(count):
        person = people[index % len(people)]
        centre = centres[(index // len(people)) % len(centres)]
        activity = activities[index % len(activities)]
        day = start + datetime.timedelta(days=(index // (len(people) * len(centres))) % 28)
        rows.append((person, session, activity, f"Épreuve {index % 7}", centre, day))
    return rows


def bench_import(count):
    from django.db import connection

    from missions.io.imports import read_file, run_import
    from missions.models import Mission

    rows = _import_rows(count)
    # A previous run's rows: no état de frais hangs on them, and a raw DELETE avoids the
    # history rows a queryset delete() would write. Then VACUUM, as autovacuum would in time:
    # else each new row's unique check visits the dead copy of the same key, and each run of
    # the bench was slower than the one before (4.0, 5.0, 5.5 s).
    table = connection.ops.quote_name(Mission._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE session_id = %s", [rows[0][1].pk])  # noqa: S608
        if connection.vendor == "postgresql" and cursor.rowcount:
            cursor.execute(f"VACUUM {table}")
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(
        [
            "Identifiant intervenant",
            "Session",
            "Type de mission",
            "Épreuve",
            "Code UAI du centre",
            "Premier jour",
            "Quantité prévue",
        ]
    )
    for person, session, activity, epreuve, centre, day in rows:
        writer.writerow(
            [person[1], session.name, activity[1], epreuve, centre[1], f"{day:%d/%m/%Y}", "12"]
        )
    data = out.getvalue().encode("utf-8")
    settle()
    started = time.perf_counter()
    parsed = read_file(data, "bench.csv")
    report = run_import("missions", parsed, dry_run=False)
    seconds = time.perf_counter() - started
    if not report.ok or report.new != count:
        errors = (report.general_errors + [str(e) for e in report.errors[:3]])[:5]
        return {"rows": count, "seconds": seconds, "error": f"new={report.new} {errors}"}
    return {"rows": count, "seconds": seconds}


def bench_copy(count):
    from django.db import connection, transaction

    from bench.copy import copy_rows
    from missions.models import Mission

    rows = _import_rows(count)
    values = [
        (p[0], s.pk, a[0], e, c[0], d, d, datetime.time(7, 30), datetime.time(12, 30), 12)
        for p, s, a, e, c, d in rows
    ]
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_copy_mission")
        cursor.execute("CREATE TABLE bench_copy_mission (LIKE missions_mission INCLUDING ALL)")
    settle()
    started = time.perf_counter()
    with transaction.atomic():
        copy_rows(
            Mission,
            [
                "intervenant_id",
                "session_id",
                "activity_id",
                "epreuve",
                "centre_id",
                "start_date",
                "end_date",
                "start_time",
                "end_time",
                "expected_quantity",
            ],
            values,
            table="bench_copy_mission",
        )
    seconds = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE bench_copy_mission")
    return {"rows": count, "seconds": seconds}


def _export(count, fmt):
    from missions.io.imports import export_file
    from missions.io.resources import EtatDeFraisResource
    from missions.models import EtatDeFrais

    last = EtatDeFrais.objects.order_by("pk").values_list("pk", flat=True)[count - 1]
    base = EtatDeFraisResource().get_queryset()
    queryset = base.filter(pk__lte=last)
    settle()
    started = time.perf_counter()
    content, _, _ = export_file("etats-de-frais", fmt, queryset=queryset)
    seconds = time.perf_counter() - started
    return {"rows": count, "seconds": seconds, "bytes": len(content)}


def bench_export_csv(count):
    return _export(count, "csv")


def bench_export_xlsx(count):
    return _export(count, "xlsx")


def bench_convocations(count):
    from django.contrib.auth import get_user_model

    from missions.models import ConvocationDocument, ConvocationRun, Mission, RunStatus
    from missions.services import convocation_runs

    rows = _import_rows(count, "BENCH convocations")
    session = rows[0][1]
    Mission.objects.bulk_create(
        Mission(
            intervenant_id=p[0],
            session=session,
            activity_id=a[0],
            epreuve=f"{e} conv",
            centre_id=c[0],
            start_date=d,
            end_date=d,
            expected_quantity=12,
        )
        for p, s, a, e, c, d in rows
    )
    user = get_user_model().objects.get(username="gestionnaire")
    settle()
    started = time.perf_counter()
    run, plan = convocation_runs.create_run(
        session, convocation_runs.missions_to_issue(session), user
    )
    ConvocationRun.objects.filter(pk=run.pk).update(status=RunStatus.RUNNING)
    run.refresh_from_db()
    convocation_runs._execute(run)
    seconds = time.perf_counter() - started
    run.refresh_from_db()
    pdfs = ConvocationDocument.objects.filter(run=run).count()
    result = {"rows": run.done, "seconds": seconds, "pdfs": pdfs, "blocked": len(plan.blocked)}
    if run.status != RunStatus.DONE:
        result["error"] = f"status={run.status} done={run.done} blocked={len(plan.blocked)}"
    return result


PATHS = {
    "import": bench_import,
    "copy": bench_copy,
    "export_csv": bench_export_csv,
    "export_xlsx": bench_export_xlsx,
    "convocations": bench_convocations,
}


def peak_rss_mb():
    """This process's peak RSS. /proc's VmHWM, because Linux carries ru_maxrss over exec
    from the parent (the harness), which would hide the path's own peak."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main():
    _setup()
    name, count = sys.argv[1], int(sys.argv[2])
    result = PATHS[name](count)
    result["maxrss_mb"] = peak_rss_mb()
    print(json.dumps(result))


if __name__ == "__main__":
    main()
