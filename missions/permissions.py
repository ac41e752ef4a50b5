"""Small predicates saying who may do what; views and services both call them."""

from missions.auth_backend import access
from missions.enums import Actor
from missions.roles import CHEFS_DE_CENTRE, GESTIONNAIRES


def _in_group(user, name):
    return name in group_names(user)


def group_names(user) -> frozenset:
    """The names of the user's groups, read once per request (kept on the user, with their
    permissions: missions.auth_backend.access)."""
    if not user or not user.is_authenticated:
        return frozenset()
    return access(user).groups


def is_gestionnaire(user) -> bool:
    """A DEC gestionnaire (or an administrator): acts on every file."""
    return bool(
        user and user.is_authenticated and (user.is_superuser or _in_group(user, GESTIONNAIRES))
    )


def is_chef_de_centre(user) -> bool:
    return _in_group(user, CHEFS_DE_CENTRE)


def is_chef_of(user, mission) -> bool:
    """The user heads the centre where the mission is held."""
    if not is_chef_de_centre(user):
        return False
    return mission.centre.chefs.filter(pk=user.pk).exists()


def owns(user, mission) -> bool:
    """The mission is the user's own, as an intervenant."""
    return bool(user and user.is_authenticated and mission.intervenant.user_id == user.pk)


def can_act_as(user, actor, mission) -> bool:
    """May `user` act on `mission` in the role `actor`?"""
    if actor == Actor.SYSTEM:
        return user is None
    if actor == Actor.INTERVENANT:
        return owns(user, mission)
    if actor == Actor.CHEF_DE_CENTRE:
        return is_chef_of(user, mission)
    if actor == Actor.GESTIONNAIRE:
        return is_gestionnaire(user)
    return False


def can_see_receipt(user, mission) -> bool:
    """Staff side: the DEC sees every receipt, a chef de centre those of their centres'
    missions. (Intervenants see their own through the portal.)"""
    return is_gestionnaire(user) or is_chef_of(user, mission)


def can_see_dossier_documents(user) -> bool:
    """RIB and identity documents: the DEC only."""
    return is_gestionnaire(user)


def is_staff_user(user):
    """Anyone who may open the Wagtail admin."""
    return user.is_authenticated and (
        user.is_staff or user.is_superuser or user.has_perm("wagtailadmin.access_admin")
    )
