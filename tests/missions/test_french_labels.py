"""French labels where Django or Wagtail would show raw English (issue 14)."""

import pytest
from django.apps import apps

from missions.backoffice.forms import StaffLoginForm
from missions.backoffice.views.display import display_value
from missions.widgets import DocumentInput

# Field names that are French words already: their automatic label is right.
FRENCH_NAMES = {"session", "intervenant", "code", "description", "mission", "commune", "date",
                "nature", "missions", "site", "centre", "source"}  # fmt: skip


@pytest.mark.parametrize("app_label", ["missions", "home", "regulations", "assignment"])
def test_every_field_of_our_models_has_a_french_label(app_label):
    """A field without verbose_name shows its attribute name ("issued by") in the admin."""
    raw = []
    for model in apps.get_app_config(app_label).get_models():
        if model.__name__.startswith("Historical") or hasattr(model, "get_url_parts"):
            continue  # audit copies; Wagtail pages (their tree fields are Wagtail's)
        for field in model._meta.get_fields():
            if not field.concrete or field.auto_created or field.name in FRENCH_NAMES:
                continue
            if str(field.verbose_name) == field.name.replace("_", " "):
                raw.append(f"{model.__name__}.{field.name}")
    assert raw == []


class StoredFile:
    name = "private/dossiers/3f2a/rib.pdf"
    url = "/private/dossiers/3f2a/rib.pdf"


def test_document_input__names_the_stored_file_in_french():
    html = DocumentInput().render("rib_document", StoredFile())
    assert "Fichier déjà transmis : <strong>rib.pdf</strong>" in html
    assert "Retirer ce fichier" in html
    assert "Actuellement" not in html and "/private/" not in html


def test_staff_login__password_label_is_french():
    assert StaffLoginForm().fields["password"].label == "Mot de passe"


@pytest.mark.parametrize(
    "value, shown", [(None, "—"), ("", "—"), (True, "Oui"), (False, "Non"), ("IBAN", "IBAN")]
)
def test_display_value__never_none_nor_english(value, shown):
    assert display_value(value) == shown
