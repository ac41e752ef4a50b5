"""The per-request user lookup (missions/auth_backend.py): the same user and intervenant as the
ORM's select_related, in one query, read afresh at every request."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ObjectDoesNotExist
from django.test import Client

from missions.auth_backend import AccountBackend, account_lookup
from missions.models import Intervenant
from tests.factories import IntervenantFactory, UserFactory, gestionnaire

pytestmark = pytest.mark.django_db


def _orm(pk):
    return get_user_model()._default_manager.select_related("intervenant").get(pk=pk)


def _fields(instance):
    return {f.attname: getattr(instance, f.attname) for f in type(instance)._meta.concrete_fields}


def test_lookup__same_user_and_intervenant_as_the_orm_in_one_query(django_assert_num_queries):
    person = IntervenantFactory(phone="87 12 34 56", is_external=True)
    with django_assert_num_queries(1):
        user = AccountBackend().get_user(person.user_id)
        intervenant = user.intervenant
        assert intervenant.user is user
    expected = _orm(person.user_id)
    assert _fields(user) == _fields(expected)
    assert _fields(intervenant) == _fields(expected.intervenant)
    assert not user._state.adding and user._state.db == "default"
    assert intervenant.home_commune.name == "Punaauia"  # relations still load as usual


def test_lookup__staff_without_intervenant_known_absent_without_a_query(
    django_assert_num_queries,
):
    staff = gestionnaire()
    user = AccountBackend().get_user(staff.pk)
    with django_assert_num_queries(0):
        assert not hasattr(user, "intervenant")
        with pytest.raises(ObjectDoesNotExist):
            user.intervenant  # noqa: B018
    assert _fields(user) == _fields(_orm(staff.pk))
    assert user.has_perm("missions.view_mission")  # groups and permissions as before


def test_lookup__nobody_for_an_unknown_inactive_or_malformed_id():
    backend = AccountBackend()
    inactive = UserFactory(is_active=False)
    assert backend.get_user(inactive.pk) is None
    assert backend.get_user(10**9) is None
    assert backend.get_user("pas-un-nombre") is None
    assert backend.get_user(str(UserFactory().pk)) is not None  # a session stores text


def test_lookup__a_change_shows_at_the_next_request():
    person = IntervenantFactory()
    get_user_model().objects.filter(pk=person.user_id).update(is_active=False)
    assert AccountBackend().get_user(person.user_id) is None
    get_user_model().objects.filter(pk=person.user_id).update(is_active=True)
    Intervenant.objects.filter(pk=person.pk).update(first_name="Heimana")
    assert AccountBackend().get_user(person.user_id).intervenant.first_name == "Heimana"


def test_lookup__the_loaded_user_saves_like_one_the_orm_loaded():
    person = IntervenantFactory()
    user = AccountBackend().get_user(person.user_id)
    user.first_name = "Moana"
    user.save(update_fields=["first_name"])
    assert _orm(person.user_id).first_name == "Moana"


def test_lookup__sql_written_once_per_database():
    assert account_lookup("default") is account_lookup("default")
    assert "LEFT OUTER JOIN" in account_lookup("default").sql


def test_session__a_logged_in_request_gets_this_user_and_a_password_change_logs_out():
    person = IntervenantFactory()
    client = Client()
    client.force_login(person.user)
    request = client.get("/espace/").wsgi_request
    assert request.user.pk == person.user_id
    user = person.user
    user.set_password("Autre-mot-de-passe-2026")
    user.save()
    request = client.get("/espace/").wsgi_request
    assert isinstance(request.user, AnonymousUser)
