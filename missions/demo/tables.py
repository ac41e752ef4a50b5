"""The demo's invented reference tables, read from missions/demo/data/: centres across the
five archipelagos, first and last names, épreuves and hours per activity, bank codes."""

import csv
import datetime
import json
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"


def _json(name):
    return json.loads((DATA / name).read_text(encoding="utf-8"))


def _time(text):
    return datetime.time.fromisoformat(text)


with (DATA / "centres.csv").open(encoding="utf-8", newline="") as rows:
    # name, UAI, commune, island (None: the commune's main island)
    CENTRES = [
        (row["name"], row["uai"], row["commune"], row["island"] or None)
        for row in csv.DictReader(rows)
    ]
_people = _json("people.json")
FIRST_NAMES = [(person["civility"], person["first_name"]) for person in _people["first_names"]]
LAST_NAMES = _people["last_names"]
BANKS = _people["banks"]
_activities = _json("activities.json")
EPREUVES = {code: spec["epreuves"] for code, spec in _activities.items()}
HOURS = {code: tuple(_time(t) for t in spec["hours"]) for code, spec in _activities.items()}
