"""Factories of the assignment app (the domain's own are in tests/factories.py)."""

import datetime

import factory
from factory.django import DjangoModelFactory

from assignment.models import Competence, Need, Period, Unavailability
from missions.models import Activity
from tests.factories import CentreFactory, IntervenantFactory, SessionFactory


def activity(code="oral"):
    return Activity.objects.get(code=code)


class NeedFactory(DjangoModelFactory):
    class Meta:
        model = Need

    session = factory.SubFactory(SessionFactory)
    centre = factory.SubFactory(CentreFactory)
    epreuve = "Anglais"
    activity = factory.LazyFunction(activity)
    date = datetime.date(2026, 6, 16)
    period = Period.MORNING
    people = 1


class CompetenceFactory(DjangoModelFactory):
    class Meta:
        model = Competence

    intervenant = factory.SubFactory(IntervenantFactory)
    activity = factory.LazyFunction(activity)
    epreuve = ""


class UnavailabilityFactory(DjangoModelFactory):
    class Meta:
        model = Unavailability

    intervenant = factory.SubFactory(IntervenantFactory)
    start_date = datetime.date(2026, 6, 16)
    end_date = datetime.date(2026, 6, 16)
