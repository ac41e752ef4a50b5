"""The per-request user lookup (missions/auth_backend.py): the same user and intervenant as the
ORM's select_related, in one query, read afresh at every request; and the same groups and
permissions as Django's ModelBackend, in one query."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import AnonymousUser, Group, Permission
from django.core.exceptions import ObjectDoesNotExist
from django.test import Client

from missions import roles
from missions.auth_backend import AccountBackend, access_lookup, account_lookup
from missions.models import Intervenant
from missions.permissions import group_names, is_gestionnaire, is_staff_user
from tests.factories import IntervenantFactory, UserFactory, chef_de_centre, gestionnaire

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


def test_lookup__wagtail_profile_with_the_account_or_known_absent(django_assert_num_queries):
    from wagtail.users.models import UserProfile

    staff = gestionnaire()
    user = AccountBackend().get_user(staff.pk)
    with django_assert_num_queries(0), pytest.raises(ObjectDoesNotExist):
        user.wagtail_userprofile  # noqa: B018
    UserProfile.objects.create(
        user=staff, preferred_language="fr", current_time_zone="Pacific/Tahiti"
    )
    with django_assert_num_queries(1):
        user = AccountBackend().get_user(staff.pk)
        profile = user.wagtail_userprofile
        assert profile.user is user
    assert _fields(profile) == _fields(UserProfile.objects.get(user=staff))
    assert (profile.preferred_language, profile.current_time_zone) == ("fr", "Pacific/Tahiti")
    UserProfile.objects.filter(user=staff).update(theme="dark")
    assert AccountBackend().get_user(staff.pk).wagtail_userprofile.theme == "dark"  # afresh


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


# Groups and permissions: one query per request (missions.auth_backend.access), the answers
# of Django's ModelBackend.


def _django_answers(user):
    backend, fresh = ModelBackend(), _orm(user.pk)
    return (
        frozenset(fresh.groups.values_list("name", flat=True)),
        backend.get_user_permissions(fresh),
        backend.get_group_permissions(fresh),
        backend.get_all_permissions(fresh),
    )


def _our_answers(user):
    backend, fresh = AccountBackend(), _orm(user.pk)
    return (
        group_names(fresh),
        backend.get_user_permissions(fresh),
        backend.get_group_permissions(fresh),
        backend.get_all_permissions(fresh),
    )


def _with_own_permission(user):
    user.user_permissions.add(Permission.objects.get(codename="change_island"))
    return user


USERS = {
    "gestionnaire": gestionnaire,
    "chef": chef_de_centre,
    "superuser": lambda: UserFactory(is_superuser=True, is_staff=True),
    "intervenant": lambda: IntervenantFactory().user,
    "own and group permissions": lambda: _with_own_permission(gestionnaire()),
    "own only": lambda: _with_own_permission(UserFactory()),
}


@pytest.mark.parametrize("who", USERS)
def test_access__the_answers_of_django_in_one_query(who, django_assert_num_queries):
    user = USERS[who]()
    expected = _django_answers(user)
    assert _our_answers(user) == expected
    fresh = AccountBackend().get_user(user.pk)
    with django_assert_num_queries(1):
        assert group_names(fresh) == expected[0]
        assert fresh.get_all_permissions() == expected[3]
        assert fresh.get_user_permissions() == expected[1]
        assert fresh.get_group_permissions() == expected[2]
        assert is_gestionnaire(fresh) == (roles.GESTIONNAIRES in expected[0] or user.is_superuser)
        assert is_staff_user(fresh) == (user.is_staff or "wagtailadmin.access_admin" in expected[3])
        assert fresh.has_perm("missions.view_mission") == ("missions.view_mission" in expected[3])


def test_access__none_for_an_inactive_account_or_an_object():
    user = gestionnaire()
    backend = AccountBackend()
    assert backend.get_all_permissions(_orm(user.pk), obj=user) == set()
    get_user_model().objects.filter(pk=user.pk).update(is_active=False)
    inactive = _orm(user.pk)
    assert (
        backend.get_all_permissions(inactive)
        == set()
        == ModelBackend().get_all_permissions(inactive)
    )
    assert not inactive.has_perm("missions.view_mission")


def test_access__every_change_shows_at_the_next_request():
    """Nothing is kept between requests: writes through the relations' tables, which send
    no signal, show too."""
    user = chef_de_centre()
    group = Group.objects.get(name=roles.CHEFS_DE_CENTRE)
    managers = Group.objects.get(name=roles.GESTIONNAIRES)
    members = get_user_model().groups.through
    permission = Permission.objects.get(codename="view_feepart")
    seen = []
    changes = [
        lambda: members.objects.create(user_id=user.pk, group=managers),
        lambda: members.objects.filter(user_id=user.pk, group=managers).delete(),
        lambda: group.permissions.remove(permission),
        lambda: Group.permissions.through.objects.create(group=group, permission=permission),
        lambda: get_user_model().user_permissions.through.objects.create(
            user_id=user.pk, permission=Permission.objects.get(codename="change_island")
        ),
        lambda: Group.objects.filter(pk=group.pk).update(name="Chefs renommés"),
        lambda: get_user_model().objects.filter(pk=user.pk).update(is_superuser=True),
    ]
    for change in [lambda: None, *changes]:
        change()
        answers = _our_answers(user)
        assert answers == _django_answers(user)
        seen.append(tuple(frozenset(answer) for answer in answers))
    assert len(set(seen)) == 6  # each change showed (two undo the one before)


def test_access__sql_written_once_per_database():
    assert access_lookup("default") is access_lookup("default")
    assert access_lookup("default").sql.count("UNION ALL") == 2
