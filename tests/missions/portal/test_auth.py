"""Logging in with the convocation's credentials, forced change, lockout, reset, logout."""

import re

import pytest
from django.core import mail
from django.test import override_settings
from django.urls import reverse

from missions.services.accounts import issue_first_password
from tests.factories import NEW_PASSWORD, IntervenantFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def convoked():
    person = IntervenantFactory(user=None)
    return person, issue_first_password(person)


def login(client, username, password):
    return client.post(reverse("portal:login"), {"username": username, "password": password})


def test_first_password__is_readable_and_stored_hashed(convoked):
    person, password = convoked
    assert len(password) == 19 and password.count("-") == 3
    assert not set(password) & set("0O1lI")
    assert password not in person.user.password
    assert person.user.check_password(password)


def test_first_login__forces_a_personal_password_before_anything_else(client, convoked):
    person, password = convoked
    response = login(client, person.identifier, password)
    assert response.status_code == 302
    for url in [reverse("portal:missions"), reverse("portal:dossier")]:
        assert client.get(url)["Location"] == reverse("portal:password_change")
    response = client.post(reverse("portal:password_change"), {
        "old_password": password,
        "new_password1": NEW_PASSWORD,
        "new_password2": NEW_PASSWORD,
    })  # fmt: skip
    assert response.status_code == 302
    person.refresh_from_db()
    assert not person.must_change_password
    assert client.get(reverse("portal:missions")).status_code == 200


def test_login__answers_with_my_missions_whose_forms_carry_the_new_csrf_token(convoked):
    from django.test import Client

    person, password = convoked
    person.must_change_password = False
    person.save(update_fields=["must_change_password"])
    client = Client(enforce_csrf_checks=True)
    client.get(reverse("portal:login"))
    token = client.cookies["csrftoken"].value
    response = client.post(reverse("portal:login"), {
        "username": person.identifier, "password": password, "csrfmiddlewaretoken": token,
    })  # fmt: skip
    # The list itself, not a redirect to it: one round trip less on a slow link.
    assert response.status_code == 200
    page = response.content.decode()
    assert "<h1>Mes missions</h1>" in page
    assert '<meta name="imagin-page-address" content="/espace/">' in page
    assert client.cookies["csrftoken"].value != token  # rotated at login
    # The page's forms work: its logout form carries a token of the new secret.
    new_token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    response = client.post(reverse("portal:logout"), {"csrfmiddlewaretoken": new_token})
    assert response.status_code == 302
    assert client.get(reverse("portal:missions")).status_code == 302  # logged out


def test_login__with_a_next_page__redirects_there(client, convoked):
    person, password = convoked
    person.must_change_password = False
    person.save(update_fields=["must_change_password"])
    response = client.post(
        reverse("portal:login") + "?next=/espace/dossier/",
        {"username": person.identifier, "password": password},
    )
    assert response.status_code == 302
    assert response["Location"] == "/espace/dossier/"


def test_personal_password__needs_12_characters(client, convoked):
    person, password = convoked
    login(client, person.identifier, password)
    response = client.post(reverse("portal:password_change"), {
        "old_password": password, "new_password1": "Court-1", "new_password2": "Court-1",
    })  # fmt: skip
    assert response.status_code == 200
    assert "au moins 12 caractères" in response.content.decode()
    person.refresh_from_db()
    assert person.must_change_password


def test_wrong_password__french_message(client, convoked):
    person, _ = convoked
    response = login(client, person.identifier, "mauvais-mot-de-passe")
    assert response.status_code == 200
    assert "Identifiant ou mot de passe incorrect" in response.content.decode()


@override_settings(AXES_ENABLED=True)
def test_repeated_failures__lock_the_account_with_a_clear_message(client, convoked):
    person, password = convoked
    for _ in range(5):
        login(client, person.identifier, "mauvais-mot-de-passe")
    response = login(client, person.identifier, password)  # even the right one
    assert response.status_code == 429
    assert "Connexion temporairement bloquée" in response.content.decode()


def test_forgotten_password__sends_a_link_to_the_address_on_file(client, convoked):
    person, _ = convoked
    person.user.email = "vaiana@example.pf"
    person.user.save()
    response = client.post(reverse("portal:password_reset"), {"email": "vaiana@example.pf"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert "/espace/mot-de-passe/nouveau/" in mail.outbox[0].body
    assert person.identifier in mail.outbox[0].body


def test_logout__ends_the_session(client, convoked):
    person, password = convoked
    login(client, person.identifier, password)
    client.post(reverse("portal:logout"))
    assert client.get(reverse("portal:missions")).status_code == 302


@override_settings(AXES_ENABLED=True)
def test_dec__sees_and_unlocks_a_locked_account(client, convoked):
    from tests.factories import gestionnaire

    person, password = convoked
    anonymous = type(client)()
    for _ in range(5):
        login(anonymous, person.identifier, "mauvais-mot-de-passe")
    assert login(anonymous, person.identifier, password).status_code == 429
    client.force_login(gestionnaire())
    assert person.identifier in client.get(reverse("missions_lockouts")).content.decode()
    client.post(reverse("missions_lockouts"), {"username": person.identifier})
    assert login(anonymous, person.identifier, password).status_code == 302


def test_lockouts_screen__gestionnaires_only(client, convoked):
    person, _ = convoked
    client.force_login(person.user)
    assert client.get(reverse("missions_lockouts")).status_code in (302, 403)


@pytest.mark.parametrize("typed", ["{id}", "{lower}", " {id} "])
def test_login__with_the_identifier_whatever_the_account_username(client, typed):
    """An account linked under another username (the demo's old 'intervenant', an account
    created before the portal) still logs in with the convocation's identifier."""
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create_user("ancien-compte", password=NEW_PASSWORD)
    person = IntervenantFactory(user=user, identifier="PF000123")
    text = typed.format(id=person.identifier, lower=person.identifier.lower())
    response = login(client, text, NEW_PASSWORD)
    assert "<h1>Mes missions</h1>" in response.content.decode(), response.content.decode()[:2000]
    assert client.get(reverse("portal:missions")).status_code == 200


def test_login__a_wrong_password_with_the_identifier_is_refused(client):
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create_user("ancien-compte", password=NEW_PASSWORD)
    IntervenantFactory(user=user, identifier="PF000124")
    response = login(client, "PF000124", "mauvais-mot-de-passe")
    assert response.status_code == 200
    assert "Identifiant ou mot de passe incorrect" in response.content.decode()
