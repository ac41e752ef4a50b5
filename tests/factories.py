"""factory_boy factories for the domain. Reference data (communes, activities, rates)
comes from the data migrations, so factories look it up instead of inventing it."""

import datetime
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone
from factory.django import DjangoModelFactory

from missions import roles
from missions.enums import Civility, PartNature, PartStatus
from missions.models import (
    Activity,
    Centre,
    Commune,
    DossierFinancier,
    EtatDeFrais,
    Exam,
    FeePart,
    Intervenant,
    MealLine,
    Mission,
    NightLine,
    Session,
    TravelLeg,
    WorkLine,
)

# The personal password tests choose: far enough, for Django's similarity check, from every
# name, username and address the factories give (Teriitehau<n>, user<n>, PF<6 digits>...),
# whatever sequence numbers a test happens to get (tests/test_factories.py checks it).
NEW_PASSWORD = "Tiare-en-fleur-2026"


def commune(name):
    return Commune.objects.get(name=name)


class UserFactory(DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.pf")
    password = factory.django.Password("motdepasse-de-test")

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if extracted:
            self.groups.add(Group.objects.get(name=extracted))
            self.is_staff = True
            self.save(update_fields=["is_staff"])


def gestionnaire(**kwargs):
    return UserFactory(role=roles.GESTIONNAIRES, **kwargs)


def chef_de_centre(centre=None, **kwargs):
    user = UserFactory(role=roles.CHEFS_DE_CENTRE, **kwargs)
    if centre is not None:
        centre.chefs.add(user)
    return user


class CentreFactory(DjangoModelFactory):
    class Meta:
        model = Centre

    name = factory.Sequence(lambda n: f"Lycée de test {n}")
    uai = factory.Sequence(lambda n: f"98{n:05d}A")
    commune = factory.LazyFunction(lambda: commune("Papeete"))


class SessionFactory(DjangoModelFactory):
    class Meta:
        model = Session

    exam = factory.LazyFunction(lambda: Exam.objects.get(code="bac-general"))
    name = factory.Sequence(lambda n: f"Session de test {n}")
    year = 2026
    start_date = datetime.date(2026, 6, 15)
    end_date = datetime.date(2026, 6, 26)
    entry_deadline = datetime.date(2026, 8, 31)


class IntervenantFactory(DjangoModelFactory):
    class Meta:
        model = Intervenant

    civility = Civility.MADAME
    last_name = factory.Sequence(lambda n: f"Teriitehau{n}")
    first_name = "Vaiana"
    birth_date = datetime.date(1980, 3, 14)
    email = factory.Sequence(lambda n: f"intervenant{n}@example.pf")
    home_commune = factory.LazyFunction(lambda: commune("Punaauia"))
    user = factory.SubFactory(UserFactory)


class DossierFactory(DjangoModelFactory):
    class Meta:
        model = DossierFinancier

    intervenant = factory.SubFactory(IntervenantFactory)
    iban = "FR7630001007941234567890185"
    bic = "BDFEFRPP"
    account_holder = factory.LazyAttribute(lambda d: d.intervenant.full_name)
    vehicle_horsepower = 5


class MissionFactory(DjangoModelFactory):
    class Meta:
        model = Mission

    intervenant = factory.SubFactory(IntervenantFactory)
    session = factory.SubFactory(SessionFactory)
    activity = factory.LazyFunction(lambda: Activity.objects.get(code="correction"))
    centre = factory.SubFactory(CentreFactory)
    epreuve = "Philosophie"
    start_date = datetime.date(2026, 6, 16)
    end_date = factory.LazyAttribute(lambda m: m.start_date)
    start_time = datetime.time(7, 30)
    end_time = datetime.time(12, 30)
    expected_quantity = Decimal(40)


class EtatFactory(DjangoModelFactory):
    class Meta:
        model = EtatDeFrais

    mission = factory.SubFactory(MissionFactory)


class PartFactory(DjangoModelFactory):
    class Meta:
        model = FeePart

    etat = factory.SubFactory(EtatFactory)
    nature = PartNature.REMUNERATION
    status = PartStatus.TO_ENTER


def parts_for(mission, status=PartStatus.TO_ENTER):
    """Both parts of a mission's état de frais, in `status` (the mission counts as issued)."""
    if mission.issued_at is None:
        mission.issued_at = timezone.now()
        mission.save(update_fields=["issued_at"])
    etat = EtatDeFrais.objects.create(mission=mission)
    return (
        FeePart.objects.create(etat=etat, nature=PartNature.REMUNERATION, status=status),
        FeePart.objects.create(etat=etat, nature=PartNature.TRAVEL, status=status),
    )


class WorkLineFactory(DjangoModelFactory):
    class Meta:
        model = WorkLine

    part = factory.SubFactory(PartFactory)
    date = datetime.date(2026, 6, 16)
    quantity = Decimal(37)


class TravelLegFactory(DjangoModelFactory):
    class Meta:
        model = TravelLeg

    part = factory.SubFactory(PartFactory, nature=PartNature.TRAVEL)
    date = datetime.date(2026, 6, 16)
    from_commune = factory.LazyFunction(lambda: commune("Uturoa"))
    to_commune = factory.LazyFunction(lambda: commune("Papeete"))
    mode = "avion"


class MealLineFactory(DjangoModelFactory):
    class Meta:
        model = MealLine

    part = factory.SubFactory(PartFactory, nature=PartNature.TRAVEL)
    date = datetime.date(2026, 6, 16)
    kind = "dejeuner"


class NightLineFactory(DjangoModelFactory):
    class Meta:
        model = NightLine

    part = factory.SubFactory(PartFactory, nature=PartNature.TRAVEL)
    date = datetime.date(2026, 6, 16)


def payable_dossier(intervenant, **kwargs):
    """A complete dossier financier checked by the DEC: nothing blocks payment."""
    from django.utils import timezone

    values = {
        "rib_document": "dossiers/rib.pdf",
        "id_document": "dossiers/piece-identite.pdf",
        "checked_at": timezone.now(),
        **kwargs,
    }
    return DossierFactory(intervenant=intervenant, **values)


def controlled_parts(mission=None, remuneration=22076, travel=18616, payable=True, **mission_kw):
    """Both parts of a mission, controlled by the DEC, with amounts; the intervenant's
    dossier financier allows payment unless `payable` is False."""
    mission = mission or MissionFactory(**mission_kw)
    work, trip = parts_for(mission, status=PartStatus.CONTROLLED)
    FeePart.objects.filter(pk=work.pk).update(amount=remuneration)
    FeePart.objects.filter(pk=trip.pk).update(amount=travel)
    work.amount, trip.amount = remuneration, travel
    if payable and not DossierFinancier.objects.filter(intervenant=mission.intervenant).exists():
        payable_dossier(mission.intervenant)
    return work, trip
