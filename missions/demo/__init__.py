"""Demo data for `manage.py seed_demo`: entry point seed.seed_missions; the tables it draws
from are in data/."""
