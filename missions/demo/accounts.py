"""The demo's people with a login: the demo intervenant PF000001 and their missions in each
status, the chefs of every centre, the actors of the status histories."""

import datetime
import random
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from missions import roles
from missions.demo.tables import FIRST_NAMES, HOURS, LAST_NAMES
from missions.demo.timeline import S, issued_at_date
from missions.enums import (
    Actor,
    Civility,
)
from missions.models import (
    DossierFinancier,
    Intervenant,
    Mission,
)


def actor_users():
    User = get_user_model()
    found = {
        u.username: u for u in User.objects.filter(username__in=["gestionnaire", "chef.centre"])
    }
    return {
        Actor.GESTIONNAIRE: found.get("gestionnaire"),
        Actor.CHEF_DE_CENTRE: found.get("chef.centre") or found.get("gestionnaire"),
    }


DEMO_INTERVENANT = "PF000001"  # the identifier is the portal login, as for everyone


def give_centres_chefs(centres):
    """The demo chef heads the first centre; every other centre gets a chef of its own (an
    account nobody logs into: a centre without chef blocks its convocations)."""
    User = get_user_model()
    chef = User.objects.filter(username="chef.centre").first()
    if chef is not None:
        centres[0].chefs.add(chef)
    group = Group.objects.filter(name=roles.CHEFS_DE_CENTRE).first()
    rng = random.Random(17)  # noqa: S311 (demo data)
    for centre in centres:
        if centre.chefs.exists():
            continue
        _, first = rng.choice(FIRST_NAMES)
        user, created = User.objects.get_or_create(
            username=f"chef.{centre.uai.lower()}",
            defaults={
                "first_name": first,
                "last_name": rng.choice(LAST_NAMES),
                "email": f"chef.{centre.uai.lower()}@demo.imagin.pf",
                "is_staff": True,
            },
        )
        if created:
            user.set_unusable_password()
            user.save(update_fields=["password"])
        if group is not None:
            user.groups.add(group)
        centre.chefs.add(user)


def link_demo_account():
    """A demo seeded before the login by identifier linked PF000001 to a user named
    'intervenant': link it to the PF000001 account whose password seed_demo just printed."""
    User = get_user_model()
    user = User.objects.filter(username=DEMO_INTERVENANT).first()
    person = Intervenant.objects.filter(identifier=DEMO_INTERVENANT).first()
    if user is not None and person is not None and person.user_id != user.pk:
        person.user = user
        person.save(update_fields=["user"])


def demo_intervenant_missions(builder, centres, sessions):
    """The demo intervenant gets one mission in each interesting status, dated from today:
    one paid, one in payment, one sent back and one to enter in the current session (its
    entry deadline ahead), one to come. Returns {mission pk: forced status}."""
    User = get_user_model()
    user = User.objects.filter(username=DEMO_INTERVENANT).first()
    if user is None or Intervenant.objects.filter(identifier=DEMO_INTERVENANT).exists():
        return {}
    uturoa = builder.communes["Uturoa"]
    person = Intervenant.objects.create(
        identifier=DEMO_INTERVENANT,
        user=user,
        civility=Civility.MONSIEUR,
        first_name="Tama",
        last_name="Intervenant",
        birth_date=datetime.date(1984, 5, 2),
        email=user.email,
        phone="87 20 30 40",
        address="BP 120",
        postal_code="98735",
        home_commune=uturoa,
        work_commune=uturoa,
        employer="Lycée d'Uturoa",
        grade="Professeur certifié",
        discipline="Lettres modernes",
    )
    DossierFinancier.objects.create(
        intervenant=person,
        iban="FR7617469000101234567890153",
        bic="SOCBPFTX",
        account_holder="Tama INTERVENANT",
        vehicle_horsepower=5,
        checked_at=timezone.now(),
    )
    plans = [
        (sessions[0], "correction", "Philosophie", 0, S.PAID),
        (sessions[0], "oral", "Oral de français", 3, S.IN_PAYMENT),
        (sessions[2], "correction", "Français", 1, S.TO_CORRECT),
        (sessions[2], "correction", "Culture générale et expression", 2, S.TO_ENTER),
        (sessions[2], "oral", "Oral d'anglais", 20, S.OPEN),
    ]
    forced = {}
    for session, code, epreuve, offset, status in plans:
        start = session.start_date + datetime.timedelta(days=offset)
        mission = Mission.objects.create(
            intervenant=person,
            session=session,
            activity=builder.activities[code],
            centre=centres[0],
            epreuve=epreuve,
            start_date=start,
            end_date=start,
            start_time=HOURS[code][0],
            end_time=HOURS[code][1],
            expected_quantity=Decimal(48 if code == "correction" else 6),
            issued_at=issued_at_date(start),
            convocation_number=f"{session.year}-9{offset:06d}",
        )
        Mission.objects.filter(pk=mission.pk).update(
            created_at=mission.issued_at - datetime.timedelta(days=2)
        )
        if status == S.OPEN and start <= builder.today:
            status = S.TO_ENTER
        forced[mission.pk] = status
    return forced
