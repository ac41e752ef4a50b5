import datetime

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from missions.enums import Civility, IntervenantCategory
from missions.models import Commune
from regulations.models import (
    DocumentationIndexPage,
    DocumentationPage,
    FeeSimulatorPage,
    IntervenantRequest,
    IntervenantRequestPage,
    RegulationIndexPage,
    RegulationPage,
)
from tests.home.factories import home_page, publish

# A 1x1 PNG and the start of a PDF: enough for the content-type check.
PNG_BYTES = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00"
    b"\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N"
    b"\x00\x00\x00\x00IEND\xaeB`\x82"
)
PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


class IntervenantRequestFactory(DjangoModelFactory):
    class Meta:
        model = IntervenantRequest

    category = IntervenantCategory.PRIVATE_OR_RETIRED
    civility = Civility.MONSIEUR
    last_name = factory.Sequence(lambda n: f"Tehei{n}")
    first_name = "Manuarii"
    birth_date = datetime.date(1975, 5, 2)
    email = factory.Sequence(lambda n: f"demandeur{n}@example.pf")
    phone = "87 12 34 56"
    address = "BP 1234"
    postal_code = "98713"
    home_commune = factory.LazyFunction(lambda: Commune.objects.get(name="Papeete"))
    employer = "Cabinet d'expertise comptable"
    grade = "Expert-comptable"
    discipline = "Gestion"
    exams = "BTS Comptabilité et gestion — jury"
    consent_given_at = factory.LazyFunction(timezone.now)


def valid_form_data(**overrides):
    data = {
        "category": IntervenantCategory.HIGHER_EDUCATION.value,
        "civility": Civility.MADAME.value,
        "last_name": "Tetuanui",
        "usage_name": "",
        "first_name": "Hinano",
        "birth_date": "1982-09-21",
        "email": "hinano.tetuanui@example.pf",
        "phone": "87 70 11 22",
        "address": "Lotissement Vaitavere, BP 5012",
        "postal_code": "98718",
        "home_commune": str(Commune.objects.get(name="Punaauia").pk),
        "employer": "Université de la Polynésie française",
        "grade": "Maître de conférences",
        "discipline": "Mathématiques",
        "exams": "Bac général, session de juin — interrogations orales",
        "consent": "on",
        "site_web": "",
    }
    data.update(overrides)
    return data


def regulation_index(parent=None, **fields):
    fields.setdefault("title", "Réglementation")
    fields.setdefault("slug", "reglementation")
    return publish(parent or home_page(), RegulationIndexPage(**fields))


def regulation_page(parent=None, body=(), **fields):
    fields.setdefault("title", "Frais de rémunération")
    fields.setdefault("slug", "frais-de-remuneration")
    return publish(parent or regulation_index(), RegulationPage(body=list(body), **fields))


def documentation_index(parent=None, body=(), **fields):
    fields.setdefault("title", "Comment ça marche ?")
    fields.setdefault("slug", "comment-ca-marche")
    return publish(parent or home_page(), DocumentationIndexPage(body=list(body), **fields))


def documentation_page(parent=None, body=(), **fields):
    fields.setdefault("title", "Guide de l'intervenant")
    fields.setdefault("slug", "guide-intervenant")
    fields.setdefault("audience", "intervenants")
    return publish(parent or documentation_index(), DocumentationPage(body=list(body), **fields))


def request_page(parent=None, **fields):
    fields.setdefault("title", "Demande de création d'un intervenant extérieur")
    fields.setdefault("slug", "intervenant-exterieur")
    return publish(parent or home_page(), IntervenantRequestPage(**fields))


def rate_table_block(table="remuneration", show_previous=True, title="Barème"):
    return {
        "type": "rate_table",
        "value": {"table": table, "title": title, "show_previous": show_previous},
    }


def simulator_page(parent=None, **fields):
    fields.setdefault("title", "Simuler mes indemnités")
    fields.setdefault("slug", "simulateur")
    return publish(parent or regulation_index(), FeeSimulatorPage(**fields))


def simulator_block(display="formulaire", title="Simuler mes indemnités"):
    return {"type": "simulator", "value": {"title": title, "display": display}}
