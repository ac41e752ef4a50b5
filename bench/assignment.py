"""The assignment benchmark (`python -m bench.assignment`, also run by `make bench`).

Generates a session shaped like a real one (centres on every archipelago, intervenants
living mostly on Tahiti, competences, unavailability, per-person maxima, schools), then
times each step of services.proposals.compute and measures, in the same run, the greedy
baseline (nearest available competent person first) on the same candidates. Prints one JSON
line and writes docs/benchmarks-assignment.md.
"""

import datetime
import json
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PREFIX = "BENCH affectation"
# Centres per island: Tahiti has most of them, every archipelago has some.
CENTRES = {
    "Tahiti": 14, "Moorea": 2, "Raiatea": 3, "Bora Bora": 1, "Huahine": 1, "Tahaa": 1,
    "Rangiroa": 2, "Hao": 1, "Fakarava": 1, "Makemo": 1, "Manihi": 1,
    "Mangareva": 1,
    "Nuku Hiva": 2, "Hiva Oa": 2, "Ua Pou": 1, "Ua Huka": 1, "Tahuata": 1,
    "Tubuai": 2, "Rurutu": 2, "Raivavae": 1, "Rimatara": 1,
}  # fmt: skip
# Where the intervenants live (share of the total).
PEOPLE = {
    "Tahiti": 0.70, "Moorea": 0.06, "Raiatea": 0.06, "Bora Bora": 0.02, "Huahine": 0.02,
    "Tahaa": 0.01, "Rangiroa": 0.02, "Hao": 0.005, "Makemo": 0.005, "Mangareva": 0.005,
    "Nuku Hiva": 0.025, "Hiva Oa": 0.02, "Ua Pou": 0.005, "Tubuai": 0.015, "Rurutu": 0.01,
}  # fmt: skip
EPREUVES = ["Français", "Mathématiques", "Anglais", "Espagnol", "Histoire-géographie",
            "Physique-chimie", "SVT", "Philosophie", "Tahitien", "Économie"]  # fmt: skip
ACTIVITIES = ["oral", "correction", "surveillance", "pratique"]


def log(message):
    print(f"[bench-affectation {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def _commune_of(island, communes):
    return next((c for c in communes if c.island_id == island.pk), None) or next(
        c for c in communes if island.pk in {i.pk for i in c.islands.all()}
    )


def build(needs_count, people_count, rng):
    from assignment.models import AssignmentProfile, Competence, Need, Period, Unavailability
    from missions.models import Activity, Centre, Commune, Exam, Intervenant, Island, Session

    islands = {island.name: island for island in Island.objects.all()}
    communes = list(Commune.objects.prefetch_related("islands"))
    start = datetime.date.today() + datetime.timedelta(days=90)
    session = Session.objects.create(
        exam=Exam.objects.order_by("pk").first(),
        name=f"{PREFIX} {time.time():.0f}",
        year=start.year,
        start_date=start,
        end_date=start + datetime.timedelta(days=9),
        entry_deadline=start + datetime.timedelta(days=60),
    )
    centres = []
    for name, count in CENTRES.items():
        island = islands[name]
        commune = _commune_of(island, communes)
        for index in range(count):
            centres.append(
                Centre(
                    name=f"Centre {name} {index + 1}",
                    uai=f"97{len(centres):05d}{chr(65 + rng.randrange(26))}",
                    commune=commune,
                    island=island,
                )
            )
    centres = Centre.objects.bulk_create(centres)
    by_island = {}
    for centre in centres:
        by_island.setdefault(centre.island_id, []).append(centre)

    people = []
    names = list(PEOPLE)
    weights = [PEOPLE[name] for name in names]
    for index in range(people_count):
        island = islands[rng.choices(names, weights)[0]]
        local = [c for c in communes if c.island_id == island.pk] or [_commune_of(island, communes)]
        home = rng.choice(local)
        people.append(
            Intervenant(
                identifier=f"BF{index:06d}",  # BA000001 is the atoll bench's
                civility="Mme" if index % 2 else "M.",
                last_name=f"Bench{index}",
                first_name="Test",
                home_commune=home,
                home_island=island,
            )
        )
    people = Intervenant.objects.bulk_create(people, batch_size=1000)
    activities = {a.code: a for a in Activity.objects.filter(code__in=ACTIVITIES)}
    competences, absences, profiles = [], [], []
    days = [start + datetime.timedelta(days=d) for d in range(10)]
    for person in people:
        for code, epreuve in {
            (rng.choice(ACTIVITIES), rng.choice([*EPREUVES, ""])) for _ in range(rng.randint(1, 3))
        }:
            competences.append(
                Competence(intervenant=person, activity=activities[code], epreuve=epreuve)
            )
        if rng.random() < 0.3:
            day = rng.choice(days)
            absences.append(
                Unavailability(
                    intervenant=person,
                    start_date=day,
                    end_date=day + datetime.timedelta(days=rng.randint(0, 2)),
                    period=rng.choice(Period.values),
                )
            )
        school = rng.choice(by_island.get(person.home_island_id, [None]))
        maximum = rng.choice([None, None, None, 3, 5])
        if school or maximum:
            profiles.append(
                AssignmentProfile(intervenant=person, school=school, max_missions=maximum)
            )
    Competence.objects.bulk_create(competences, batch_size=2000)
    Unavailability.objects.bulk_create(absences, batch_size=2000)
    AssignmentProfile.objects.bulk_create(profiles, batch_size=2000)

    # Needs: more at the big centres; every centre some.
    weights = [5 if centre.island.name == "Tahiti" else 1 for centre in centres]
    needs, seen = [], set()
    while len(needs) < needs_count:
        code = rng.choice(ACTIVITIES)
        shared = code == "correction"
        key = (
            rng.choices(centres, weights)[0],
            rng.choice(EPREUVES),
            code,
            rng.choice(days),
            rng.choice(Period.values),
        )
        if key in seen:
            continue
        seen.add(key)
        needs.append(
            Need(
                session=session,
                centre=key[0],
                epreuve=key[1],
                activity=activities[code],
                date=key[3],
                period=key[4],
                people=None if shared else rng.choice([1, 1, 1, 2]),
                quantity=rng.randint(40, 150) if shared else None,
                max_per_person=60 if shared else None,
            )
        )
    Need.objects.bulk_create(needs, batch_size=2000)
    return session, {
        "centres": len(centres),
        "archipelagos": len({c.island.archipelago_id for c in centres}),
        "needs": len(needs),
        "intervenants": len(people),
        "competences": len(competences),
        "unavailabilities": len(absences),
    }


def _load_average():
    return " / ".join(f"{value:.2f}" for value in os.getloadavg())


def measure(session, time_limit):
    from assignment.services import proposals
    from assignment.services.problem import greedy
    from assignment.services.solver import cost_bound, solve, structure

    load_at_start = _load_average()
    started = time.perf_counter()
    loaded = proposals.load(session)
    load_seconds = time.perf_counter() - started
    started = time.perf_counter()
    found, _ = proposals.price(loaded)
    price_seconds = time.perf_counter() - started
    started = time.perf_counter()
    baseline = greedy(loaded.problem, found)
    greedy_seconds = time.perf_counter() - started
    solution = solve(loaded.problem, found, time_limit=time_limit)
    # Not part of the solve: how close the baseline is to the cheapest proposal covering as
    # many places as it does (a proven lower bound from the relaxation).
    started = time.perf_counter()
    baseline_bound = cost_bound(structure(loaded.problem, found), baseline.covered)
    bound_seconds = time.perf_counter() - started
    places = sum(need.slots for need in loaded.problem.needs)
    off_island = sum(
        amount for need_id, _, amount in solution.assignments if need_id in found.off_island
    )
    trips, greedy_trips = _trips(found, solution), _trips(found, baseline)
    per_place = solution.cost / max(1, solution.covered)
    greedy_per_place = baseline.cost / max(1, baseline.covered)
    return {
        "load_average_at_start": load_at_start,
        "places": places,
        "pairs": sum(len(v) for v in found.by_need.values()),
        "load_s": round(load_seconds, 1),
        "price_s": round(price_seconds, 1),
        "solve_s": round(solution.seconds, 1),
        "total_s": round(load_seconds + price_seconds + solution.seconds, 1),
        "status": solution.status,
        "covered": solution.covered,
        "covered_share": round(solution.covered / places, 4) if places else None,
        "cost": solution.cost,
        "gap": None if solution.gap() is None else round(solution.gap(), 4),
        "gap_francs": solution.gap_francs,
        "greedy_s": round(greedy_seconds, 2),
        "greedy_covered": baseline.covered,
        "greedy_covered_share": round(baseline.covered / places, 4) if places else None,
        "greedy_cost": baseline.cost,
        "saving_share": round(1 - solution.cost / baseline.cost, 4) if baseline.cost else None,
        "cost_per_place": round(per_place),
        "greedy_cost_per_place": round(greedy_per_place),
        "saving_per_place_share": round(1 - per_place / greedy_per_place, 4)
        if baseline.cost
        else None,
        "bound_at_greedy_coverage": baseline_bound,
        "max_saving_at_greedy_coverage": round(1 - baseline_bound / baseline.cost, 4)
        if baseline_bound and baseline.cost
        else None,
        "bound_s": round(bound_seconds, 1),
        "off_island_needs": len(found.off_island),
        "off_island_cost_share": round(off_island / solution.cost, 4) if solution.cost else None,
        "off_island_places": trips[0],
        "trips": trips[1],
        "greedy_off_island_places": greedy_trips[0],
        "greedy_trips": greedy_trips[1],
        "island_day_breaks": trips[2],
        "greedy_island_day_breaks": greedy_trips[2],
    }


def _trips(found, solution):
    """(places staffed by trip, trips, days a person on a trip has a need on another
    island): a trip is a person's run of consecutive days at one island."""
    from assignment.services.problem import stays

    pairs = [pair for pair in solution.assignments if found.stay_of(*pair[:2]) is not None]
    runs = sum(
        1
        for dates in stays(found, pairs).values()
        for i, day in enumerate(dates)
        if not i or (day - dates[i - 1]).days > 1
    )
    islands = {}
    for need_id, person_id, _ in solution.assignments:
        day = person_id, found.date_of[need_id]
        islands.setdefault(day, set()).add(found.island_of[need_id])
    away = {(pair[1], found.date_of[pair[0]]) for pair in pairs}
    return len(pairs), runs, sum(1 for day in away if len(islands[day]) > 1)


def summary(stdout):
    """The line of docs/benchmarks.md (bench/run.py), from this module's JSON output."""
    try:
        result = json.loads(stdout.strip().splitlines()[-1])
        return _summary(result)
    except (IndexError, ValueError, KeyError, TypeError):
        return "- Assignment (`python -m bench.assignment`): failed, see its log."


def _summary(result):
    return (
        f"- Assignment (`python -m bench.assignment`, docs/benchmarks-assignment.md): "
        f"{result['total_s']} s to propose (goal ≤ 60 s; solve {result['solve_s']} s, "
        f"{result['status']}), {result['covered_share']:.1%} of {result['places']} places "
        f"covered (greedy {result['greedy_covered_share']:.1%}), cost priced by trip "
        f"{result['saving_share']:.1%} below greedy ({result['saving_per_place_share']:.1%} "
        f"per place), optimality gap {result['gap']:.2%}; at the greedy's coverage no "
        f"proposal can be more than {result['max_saving_at_greedy_coverage']:.1%} cheaper "
        f"than it (proven bound); load average at start {result['load_average_at_start']}."
    )


def report(counts, result, time_limit):
    lines = [
        "# Benchmark: proposed assignment",
        "",
        "Generated by `python -m bench.assignment` (run by `make bench`); re-run, do not edit.",
        f"Run of {datetime.datetime.now():%Y-%m-%d %H:%M} (Tahiti time). "
        f"Generated session: {counts}.",
        "Cost model: the fee engine's estimate, needs staffed from another island priced by "
        "trip (a person's needs at one island on consecutive days: one fare, one night more "
        "than days, a dinner the evening before, lunch and dinner each day), the proposal and "
        "the baseline alike.",
        f"Solver: linear relaxation (OR-Tools GLOP), then SCIP (shipped with OR-Tools) on "
        f"what it leaves fractional, time limit {time_limit:.0f} s, the "
        "30 cheapest candidates per need; greedy baseline on the same candidates.",
        "",
        "| measure | value |",
        "|---|---:|",
        *[f"| {key} | {value} |" for key, value in result.items()],
        "",
        "- `total_s` = loading + pricing every candidate with the fee engine + solving "
        "(goal ≤ 60 s). `load_average_at_start` = 1 / 5 / 15 min load of the machine "
        "(2 cores) when the measure started.",
        "- `gap` = (objective − proven bound) / estimated cost; the bound is the linear "
        "relaxation's (rounded up to a whole unit of 100 XPF), or the integer search's when "
        "it could search every pair that reduced-cost fixing leaves. 0 with status OPTIMAL: "
        "the proposal is the proven best (most places covered, then least cost, then the "
        "fairest load).",
        "- `saving_share` = 1 − cost / greedy cost, in the same run; the proposal also covers "
        "more places (`covered` vs `greedy_covered`), so `saving_per_place_share` compares "
        "cost per place covered.",
        "- `bound_at_greedy_coverage` = a proven lower bound on the cost of any proposal "
        "covering as many places as the greedy baseline (linear relaxation of cost alone); "
        "`max_saving_at_greedy_coverage` = 1 − that bound / greedy cost: the most any "
        "solver could save against the baseline while covering as many places.",
        "- `off_island_cost_share` = share of the proposal's cost spent on needs staffed from "
        "another island (fares, nights, meals). `off_island_places` / `trips` = places "
        "staffed from another island and the trips that cover them (a trip: one person, one "
        "island, consecutive days), for the proposal and the baseline; "
        "`island_day_breaks` = days a person on a trip also has a need on another island "
        "(a hard rule of the proposal; the baseline, as the issue defines it, ignores it).",
        "",
        "## Reading",
        "",
        _reading(result),
        "",
        REALISM,
        "",
    ]
    (ROOT / "docs" / "benchmarks-assignment.md").write_text("\n".join(lines), encoding="utf-8")


def _reading(result):
    if result["gap"] is None or result["max_saving_at_greedy_coverage"] is None:
        return "The solver or the bound did not finish: no reading of this run."
    bound = f"{result['bound_at_greedy_coverage']:,}".replace(",", "\u202f")
    saving, most = result["saving_share"], result["max_saving_at_greedy_coverage"]
    if saving >= GOAL:
        goal = f"The 20 % goal is met ({saving:.1%} cheaper, same run, same pricing)."
    elif most < GOAL:
        goal = "The 20 % goal is out of reach on this session for any solver (proven below)."
    else:
        goal = "The 20 % goal is not met although the proven bound leaves room for it."
    return (
        f"The proposal took {result['total_s']} s with a load average of "
        f"{result['load_average_at_start']} at start (goal ≤ 60 s). Its optimality gap is "
        f"{result['gap']:.2%} ({result['status']}). It covers {result['covered']} places "
        f"against {result['greedy_covered']} for the greedy baseline and costs "
        f"{saving:.1%} less ({result['saving_per_place_share']:.1%} less per place "
        f"covered). {goal} Covering as many places as the baseline cannot cost less than "
        f"{bound} XPF (linear relaxation of the trip model with its rules, cost alone; a "
        f"proven bound), i.e. at most "
        f"{most:.1%} below the baseline; that cheaper proposal would leave more places empty "
        f"than the optimum does. The proposal staffs {result['off_island_places']} places "
        f"from another island with {result['trips']} trips, the baseline "
        f"{result['greedy_off_island_places']} with {result['greedy_trips']}; on "
        f"{result['greedy_island_day_breaks']} days the baseline has a person on a trip "
        f"also staffing another island (the proposal: {result['island_day_breaks']})."
    )


GOAL = 0.20

REALISM = """What the figures rest on. Almost all the cost is fares, nights and meals of the \
needs that no one on the centre's island can take (`off_island_needs`, \
`off_island_cost_share`); local needs cost little or nothing. Both proposals are priced by \
the same estimator (services/estimates.py, from the fee engine of the états de frais): a \
person sent to an island for needs on consecutive days makes one trip (one round-trip fare, \
the nights of the stay, meals), as a real état de frais would show, not one per need. The \
baseline is unchanged and fair: needs in date order, each place to the cheapest competent \
person still free and under their maximum, each need priced alone when it chooses, on the \
same candidate lists (hard rules applied); when it happens to keep one person on \
consecutive days at an island it gets the one-trip price too. The generated session is the \
one the per-need model was measured on (needs spread evenly over ten days, not reshaped). \
The optimum gains by sending one person for a run of days where the baseline sends one per \
day, and by not spending scarce islanders where another could go. Priced per need (each \
need its own round trip, the model until 2026-12-01), the same session gave a proposal \
2.4 % cheaper than the baseline and at most 13.3 % possible: the fares shared by a trip are \
where the spend is. Not modelled: a person staying on the island over a day without need \
(cheaper than a second fare on remote islands), travel between two outer islands without \
going home, the travel half-days (the afternoon before a trip, the morning after) as \
unavailable, and written épreuves on one timetable (all centres at the same half-day)."""


def main():
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    django.setup()
    from django.core.management import call_command

    call_command("migrate", "--noinput", verbosity=0)
    needs = int(os.environ.get("BENCH_NEEDS", "3000"))
    people = int(os.environ.get("BENCH_PEOPLE", "2000"))
    time_limit = float(os.environ.get("BENCH_SOLVE_SECONDS", "30"))
    log(f"load average at start: {_load_average()}")
    started = time.perf_counter()
    session, counts = build(needs, people, random.Random(2026))
    log(f"generated in {time.perf_counter() - started:.1f} s: {counts}")
    result = measure(session, time_limit)
    log(json.dumps(result))
    report(counts, result, time_limit)
    print(json.dumps({"rows": result["places"], "seconds": result["total_s"], **result}))


if __name__ == "__main__":
    main()
