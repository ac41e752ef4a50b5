"""The portal's lines alone (`python -m bench.portal` under scripts/with_postgres.sh): the
floor, "Mes missions" and a mission page, as `make bench` loads them, to check the portal
cache (missions/portal/page_cache.py) without the whole run. BENCH_SCALE=small: about 2 min."""

import os
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")


def portal_targets():
    """The floor and the two portal pages, with the intervenant's session cookie."""
    from django.contrib.auth import get_user_model

    from bench.config import BENCH_USERNAME
    from bench.cookies import session_cookie
    from missions.models import Mission

    person = get_user_model().objects.get(username=BENCH_USERNAME)
    mission = Mission.objects.filter(intervenant__user=person).order_by("pk").first()
    cookie = session_cookie(person)
    return [
        ("floor (/bench/floor/)", "/bench/floor/", ""),
        ("portal: my missions (15)", "/espace/", cookie),
        ("portal: mission page", f"/espace/missions/{mission.pk}/", cookie),
    ]


def main():
    import django

    django.setup()
    from bench import config as config_module
    from bench.report import table
    from bench.run import load_pages, log, prepare

    started = time.perf_counter()
    config = config_module.load()
    prepare(config)
    pages = load_pages(config, portal_targets())
    print(table(pages, []))
    log(f"portal lines done in {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
