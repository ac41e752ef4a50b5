"""Reference data so that a fresh database computes real amounts: the communes of French
Polynesia with islands and neighbours, activities, rate groups, exams and the rates of
DOMAIN.md §4. Figures are frozen here; the DEC edits them in the admin afterwards."""

import csv
import datetime
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from django.db import migrations

COMMUNES_CSV = Path(__file__).resolve().parent.parent / "data" / "communes.csv"
ARCHIPELAGO_ORDER = ["Société", "Tuamotu", "Gambier", "Marquises", "Australes"]

REMUNERATION_SOURCE = "Décret n° 2010-235 du 5 mars 2010, arrêté du 13 avril 2012"
COMPETITION_SOURCE = "Arrêté du 7 mai 2012"
TRAVEL_SOURCE = "Décret n° 2006-781 du 3 juillet 2006, arrêté du 3 juillet 2006 modifié"
KM_SOURCE = "Indemnités kilométriques applicables en Polynésie française (1er janvier 2022)"
NEW_TRAVEL_RATES = datetime.date(2023, 9, 22)

ACTIVITIES = [
    # code, name, unit
    ("correction", "Correction de copies", "copie"),
    ("oral", "Interrogation orale", "heure"),
    ("oral-facultatif", "Interrogation orale facultative", "heure"),
    ("pratique", "Épreuve pratique", "heure"),
    ("surveillance", "Surveillance et aide au déroulement des épreuves", "heure"),
    ("sujet", "Conception de sujet", "sujet"),
    ("jury", "Jury (délibération)", "heure"),
    ("vae", "Jury de validation des acquis de l'expérience (VAE)", "heure"),
]

# code, name, (copy level, copy EUR, to confirm), (oral level, oral EUR, to confirm)
EXAM_GROUPS = [
    ("bac", "Baccalauréats", ("taux 5", "5.00", False), ("taux 3", "9.60", False)),
    ("dnb", "Diplôme national du brevet", ("taux 1", "0.75", False), ("taux 1", "4.11", False)),
    ("cap-bep", "CAP, BEP", ("taux 2", "1.10", True), ("taux 2", "5.49", True)),
    ("bts", "BTS", ("taux 4", "2.47", True), ("taux 4", "13.72", True)),
]
# code, name, copy EUR, oral hour EUR, subject EUR (arrêté du 7 mai 2012)
COMPETITION_GROUPS = [
    ("concours-sup", "Concours — examinateur de grade supérieur", "6", "45", "1000"),
    ("concours-a", "Concours — autre examinateur de catégorie A", "5", "30", "700"),
    ("concours-b", "Concours — examinateur de catégorie B", "3", "17", "250"),
    ("concours-c", "Concours — examinateur de catégorie C", "2", "10", "150"),
]
EXAMS = [
    ("bac-general", "Baccalauréat général", "examen", "bac"),
    ("bac-techno", "Baccalauréat technologique", "examen", "bac"),
    ("bac-pro", "Baccalauréat professionnel", "examen", "bac"),
    ("dnb", "Diplôme national du brevet", "examen", "dnb"),
    ("cap", "Certificat d'aptitude professionnelle", "examen", "cap-bep"),
    ("bep", "Brevet d'études professionnelles", "examen", "cap-bep"),
    ("bts", "Brevet de technicien supérieur", "examen", "bts"),
    ("concours", "Concours de recrutement", "concours", "concours-a"),
]
SURVEILLANCE_EUR = "15"
# (kind, horsepower band, distance band, XPF amount, valid from, valid to)
TRAVEL_RATES = [
    ("repas", "", "", "2506", None, NEW_TRAVEL_RATES - datetime.timedelta(days=1)),
    ("repas", "", "", "2864", NEW_TRAVEL_RATES, None),
    ("repas_administratif", "", "", "1253", None, NEW_TRAVEL_RATES - datetime.timedelta(days=1)),
    ("repas_administratif", "", "", "1432", NEW_TRAVEL_RATES, None),
    ("nuitee", "", "", "10740", None, NEW_TRAVEL_RATES - datetime.timedelta(days=1)),
    ("nuitee", "", "", "14320", NEW_TRAVEL_RATES, None),
]
KM_RATES = {
    "5cv": ("52.05", "62.46", "37.15"),
    "6-7cv": ("56.42", "68.38", "40.10"),
    "8cv": ("61.05", "72.88", "43.05"),
}
DISTANCE_BANDS = ("0-2000", "2001-10000", "10001+")
KM_START = datetime.date(2022, 1, 1)


def eur_to_xpf(eur):
    return (Decimal(eur) * 1000 / Decimal("8.38")).quantize(Decimal("0.01"), ROUND_HALF_UP)


def load_geography(apps):
    Archipelago = apps.get_model("missions", "Archipelago")
    Island = apps.get_model("missions", "Island")
    Commune = apps.get_model("missions", "Commune")
    with COMMUNES_CSV.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    archipelagos = {
        name: Archipelago.objects.get_or_create(name=name, defaults={"order": order})[0]
        for order, name in enumerate(ARCHIPELAGO_ORDER)
    }
    communes = {}
    for row in rows:
        islands = []
        for island_name in row["islands"].split(";"):
            island, _ = Island.objects.get_or_create(
                name=island_name.strip(),
                defaults={
                    "archipelago": archipelagos[row["archipelago"]],
                    "subdivision": row["subdivision"],
                },
            )
            islands.append(island)
        commune, _ = Commune.objects.get_or_create(
            name=row["commune"], defaults={"island": islands[0]}
        )
        commune.islands.set(islands)
        communes[commune.name] = commune
    for row in rows:
        neighbours = [n.strip() for n in row["neighbours"].split(";") if n.strip()]
        communes[row["commune"]].neighbours.add(*(communes[n] for n in neighbours))


def load_activities_and_rates(apps):
    Activity = apps.get_model("missions", "Activity")
    RateGroup = apps.get_model("missions", "RateGroup")
    Rate = apps.get_model("missions", "Rate")
    Exam = apps.get_model("missions", "Exam")

    activities = {}
    for order, (code, name, unit) in enumerate(ACTIVITIES):
        activities[code], _ = Activity.objects.get_or_create(
            code=code, defaults={"name": name, "unit": unit, "order": order}
        )

    def rate(activity, group, label, eur, to_confirm, source, factor=None):
        amount = eur_to_xpf(eur)
        if factor is not None:
            amount = (amount * factor).quantize(Decimal("0.01"), ROUND_HALF_UP)
            eur = None
        Rate.objects.get_or_create(
            activity=activities[activity],
            rate_group=group,
            valid_from=None,
            defaults={
                "label": label,
                "amount": amount,
                "amount_eur": eur,
                "source": source,
                "to_confirm": to_confirm,
            },
        )

    groups = {}
    for code, name, copy, oral in EXAM_GROUPS:
        group, _ = RateGroup.objects.get_or_create(code=code, defaults={"name": name})
        groups[code] = group
        rate("correction", group, copy[0], copy[1], copy[2], REMUNERATION_SOURCE)
        for activity in ("oral", "pratique"):
            rate(activity, group, oral[0], oral[1], oral[2], REMUNERATION_SOURCE)
        rate(
            "oral-facultatif", group, f"75 % du {oral[0]}", oral[1], oral[2],
            REMUNERATION_SOURCE, factor=Decimal("0.75"),
        )
        for activity in ("jury", "vae"):
            rate(activity, group, oral[0], oral[1], True, REMUNERATION_SOURCE)
    for code, name, copy, oral, subject in COMPETITION_GROUPS:
        group, _ = RateGroup.objects.get_or_create(code=code, defaults={"name": name})
        groups[code] = group
        rate("correction", group, "par copie", copy, False, COMPETITION_SOURCE)
        for activity in ("oral", "pratique", "jury"):
            rate(activity, group, "par heure", oral, False, COMPETITION_SOURCE)
        rate("sujet", group, "par sujet", subject, False, COMPETITION_SOURCE)
    rate("surveillance", None, "15 € de l'heure", SURVEILLANCE_EUR, True, REMUNERATION_SOURCE)

    for code, name, kind, group_code in EXAMS:
        Exam.objects.get_or_create(
            code=code, defaults={"name": name, "kind": kind, "rate_group": groups[group_code]}
        )


def load_travel_rates(apps):
    TravelRate = apps.get_model("missions", "TravelRate")
    for kind, horsepower, distance, amount, start, end in TRAVEL_RATES:
        TravelRate.objects.get_or_create(
            kind=kind,
            horsepower_band=horsepower,
            distance_band=distance,
            valid_from=start,
            defaults={"amount": Decimal(amount), "valid_to": end, "source": TRAVEL_SOURCE},
        )
    for horsepower, amounts in KM_RATES.items():
        for distance, amount in zip(DISTANCE_BANDS, amounts, strict=True):
            TravelRate.objects.get_or_create(
                kind="km_voiture",
                horsepower_band=horsepower,
                distance_band=distance,
                valid_from=KM_START,
                defaults={"amount": Decimal(amount), "source": KM_SOURCE},
            )
    for kind, amount in (("km_moto", "26.09"), ("km_cyclomoteur", "15.68")):
        TravelRate.objects.get_or_create(
            kind=kind, valid_from=KM_START, defaults={"amount": Decimal(amount), "source": KM_SOURCE}
        )


def load(apps, schema_editor):
    load_geography(apps)
    load_activities_and_rates(apps)
    load_travel_rates(apps)


class Migration(migrations.Migration):
    dependencies = [("missions", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
