"""After a failed submit on the portal the title says so, and a summary at the top links each
error to its field and takes the focus (components/_error_summary.html)."""

import re

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.fixture
def logged(client, alice_mission, today):
    client.force_login(alice_mission.intervenant.user)
    return client


def title(response):
    return re.search(r"<title>(.*?)</title>", response.content.decode(), re.S).group(1)


def summary(response):
    found = re.search(r'<div[^>]*id="error-summary".*?</div>', response.content.decode(), re.S)
    return found and found.group(0)


def test_failed_work_line__title_summary_and_links_to_the_fields(logged, alice_mission):
    url = reverse("portal:add_line", args=[alice_mission.pk, "travail"])
    response = logged.post(url, {"travail-date": "", "travail-quantity": "-3"})
    assert response.status_code == 400
    assert title(response).startswith("Erreur : ")
    box = summary(response)
    assert "autofocus" in box and 'tabindex="-1"' in box and "2 erreurs à corriger" in box
    assert 'href="#id_travail-date"' in box and 'href="#id_travail-quantity"' in box
    assert "ne peut pas être négative" in box
    html = response.content.decode()
    # The summary is the first thing of the content, and each link has its target.
    assert html.index('id="error-summary"') < html.index("<h1")
    assert 'id="id_travail-date"' in html and 'id="id_travail-quantity"' in html


def test_validation_without_certifying__summary_links_to_the_box(logged, alice_mission):
    response = logged.post(reverse("portal:submit", args=[alice_mission.pk]), {})
    assert response.status_code == 400
    assert title(response).startswith("Erreur : ")
    anchor = re.search(r'href="#([^"]+)"', summary(response)).group(1)
    assert f'id="{anchor}"' in response.content.decode()
    assert 'type="checkbox"' in re.search(
        rf'<input[^>]*id="{anchor}"[^>]*>', response.content.decode()
    ).group(0)


def test_failed_login__summary_links_to_the_identifier(alice_mission):
    client = Client()
    response = client.post(
        reverse("portal:login"), {"username": alice_mission.intervenant.identifier, "password": "x"}
    )
    assert title(response).startswith("Erreur : ")
    assert 'href="#id_username"' in summary(response)
    # A title that fits every form: a login saves nothing.
    assert "Une erreur à corriger" in summary(response)


def test_pages_without_errors__no_summary_no_error_title(logged, alice_mission):
    for url in [reverse("portal:missions"), reverse("portal:mission", args=[alice_mission.pk])]:
        response = logged.get(url)
        assert not title(response).startswith("Erreur")
        assert summary(response) is None
    response = Client().get(reverse("portal:login"))
    assert summary(response) is None and not title(response).startswith("Erreur")
