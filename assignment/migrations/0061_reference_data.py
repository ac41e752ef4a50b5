"""Indicative travel prices between islands and candidate ratios per activity.

The fares are orders of magnitude written for this project (economy round trips from
Papeete as publicly advertised by the inter-island airline and ferries, not checked against
a fare grid): they only rank candidates by estimated cost. The DEC corrects them under
Référentiels → Tarifs indicatifs de déplacement; each row says where it comes from.
"""

import datetime

from django.db import migrations

SOURCE = (
    "Ordre de grandeur pour l'estimation (aller-retour en classe économique, tarifs publics "
    "non vérifiés) : à corriger par la DEC"
)
KM_SOURCE = "Estimation : trajet aller-retour typique sur l'île, à corriger par la DEC"
AS_OF = datetime.date(2026, 11, 30)

# Round trip from Tahiti, XPF, by archipelago, then per island where it differs.
ARCHIPELAGO_FARES = {
    "Société": ("avion", 30_000),
    "Tuamotu": ("avion", 50_000),
    "Gambier": ("avion", 105_000),
    "Marquises": ("avion", 85_000),
    "Australes": ("avion", 52_000),
}
ISLAND_FARES = {
    "Moorea": ("bateau", 3_000),
    "Maiao": ("bateau", 8_000),
    "Huahine": ("avion", 26_000),
    "Raiatea": ("avion", 28_000),
    "Tahaa": ("avion", 31_000),
    "Bora Bora": ("avion", 34_000),
    "Maupiti": ("avion", 36_000),
    "Rangiroa": ("avion", 36_000),
    "Tikehau": ("avion", 38_000),
    "Fakarava": ("avion", 38_000),
    "Manihi": ("avion", 42_000),
    "Makemo": ("avion", 48_000),
    "Hao": ("avion", 60_000),
    "Reao": ("avion", 70_000),
    "Pukarua": ("avion", 70_000),
    "Tatakoto": ("avion", 70_000),
    "Tureia": ("avion", 70_000),
    "Mangareva": ("avion", 100_000),
    "Nuku Hiva": ("avion", 80_000),
    "Hiva Oa": ("avion", 80_000),
    "Ua Pou": ("avion", 82_000),
    "Ua Huka": ("avion", 82_000),
    "Fatu Hiva": ("bateau", 88_000),
    "Rurutu": ("avion", 45_000),
    "Tubuai": ("avion", 50_000),
    "Raivavae": ("avion", 58_000),
    "Rapa": ("bateau", 60_000),
}
# Direct links within an archipelago, cheaper than going through Papeete.
DIRECT_FARES = [
    ("Raiatea", "Bora Bora", "avion", 14_000),
    ("Raiatea", "Huahine", "avion", 12_000),
    ("Raiatea", "Tahaa", "bateau", 2_000),
    ("Raiatea", "Maupiti", "avion", 14_000),
    ("Nuku Hiva", "Hiva Oa", "avion", 20_000),
    ("Nuku Hiva", "Ua Pou", "avion", 12_000),
    ("Nuku Hiva", "Ua Huka", "avion", 12_000),
    ("Hiva Oa", "Tahuata", "bateau", 6_000),
    ("Hiva Oa", "Fatu Hiva", "bateau", 8_000),
    ("Rurutu", "Tubuai", "avion", 18_000),
    ("Rangiroa", "Tikehau", "avion", 12_000),
    ("Rangiroa", "Fakarava", "avion", 16_000),
    ("Rangiroa", "Manihi", "avion", 16_000),
]
# Kilometres driven there and back for a centre elsewhere on the same island.
SAME_ISLAND_KM = {"Tahiti": 50, "Moorea": 30, "Raiatea": 30, "Nuku Hiva": 30}
DEFAULT_SAME_ISLAND_KM = 20

# Candidates (or copies) one person takes in a day.
CANDIDATE_RATIOS = {
    "oral": 12,
    "oral-facultatif": 16,
    "pratique": 8,
    "surveillance": 30,
    "correction": 60,
    "jury": 40,
}


def seed(apps, schema_editor):
    Island = apps.get_model("missions", "Island")
    Activity = apps.get_model("missions", "Activity")
    TravelEstimate = apps.get_model("assignment", "TravelEstimate")
    CandidateRatio = apps.get_model("assignment", "CandidateRatio")
    islands = {island.name: island for island in Island.objects.select_related("archipelago")}
    tahiti = islands.get("Tahiti")

    def add(first, second, mode, fare=None, km=None, source=SOURCE):
        TravelEstimate.objects.get_or_create(
            from_island=first,
            to_island=second,
            defaults={
                "mode": mode,
                "round_trip_fare": fare,
                "round_trip_km": km,
                "source": source,
                "as_of": AS_OF,
            },
        )

    for name, island in islands.items():
        km = SAME_ISLAND_KM.get(name, DEFAULT_SAME_ISLAND_KM)
        add(island, island, "voiture", km=km, source=KM_SOURCE)
        if tahiti is None or island == tahiti:
            continue
        mode, fare = ISLAND_FARES.get(name, ARCHIPELAGO_FARES[island.archipelago.name])
        add(tahiti, island, mode, fare=fare)
    for first, second, mode, fare in DIRECT_FARES:
        if first in islands and second in islands:
            add(islands[first], islands[second], mode, fare=fare)
    for code, ratio in CANDIDATE_RATIOS.items():
        activity = Activity.objects.filter(code=code).first()
        if activity:
            CandidateRatio.objects.get_or_create(
                activity=activity, defaults={"candidates_per_person": ratio}
            )


class Migration(migrations.Migration):
    dependencies = [
        ("assignment", "0060_initial"),
        ("missions", "0002_reference_data"),
    ]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
