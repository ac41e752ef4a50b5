"""Demo data for the missions domain: sessions, centres across the five archipelagos,
~200 intervenants and ~1,000 missions in varied statuses with consistent lines, timelines and
payment batches. Invented people only (missions are personal data). Idempotent: once the
demo sessions exist, nothing is generated again."""

from django.db import transaction
from django.utils import timezone

from missions.demo.accounts import (
    actor_users,
    demo_intervenant_missions,
    give_centres_chefs,
    link_demo_account,
)
from missions.demo.builder import DemoBuilder
from missions.demo.documents import write_demo_documents
from missions.enums import (
    Actor,
)
from missions.models import (
    Mission,
)
from missions.services import portal_versions


@transaction.atomic
def seed_missions(today=None, intervenants=200, missions=1000):
    """Build the demo; returns a one-line summary."""
    today = today or timezone.localdate()
    builder = DemoBuilder(today)
    centres = builder.centres()
    sessions = builder.sessions()
    write_demo_documents()
    give_centres_chefs(centres)
    link_demo_account()
    if Mission.objects.filter(session__in=sessions).exists():
        return "données de démonstration déjà présentes"
    people = builder.intervenants(intervenants)
    created = builder.missions(sessions, centres, people, missions)
    forced = demo_intervenant_missions(builder, centres, sessions)
    created += list(Mission.objects.filter(pk__in=forced).select_related("intervenant"))
    parts = builder.fees(created, sessions, actor_users(), forced)
    builder.batches(parts, actor_users()[Actor.GESTIONNAIRE])
    # Written in bulk, without signals: no portal page cached before the seed stays.
    portal_versions.bump_reference()
    return f"{len(centres)} centres, {len(people)} intervenants, {len(created)} missions"
