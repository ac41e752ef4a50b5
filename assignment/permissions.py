"""Who may manage whose competences and unavailability."""

from assignment.models import AssignmentProfile, SchoolHead
from missions.permissions import _in_group, is_gestionnaire
from missions.roles import CHEFS_ETABLISSEMENT


def is_chef_etablissement(user) -> bool:
    return _in_group(user, CHEFS_ETABLISSEMENT)


def schools_of(user):
    """The centres (schools) a chef d'établissement heads."""
    return SchoolHead.objects.filter(user=user).values_list("school_id", flat=True)


def staff_of(user):
    """Ids of the intervenants whose school the user heads (all of them for the DEC)."""
    profiles = AssignmentProfile.objects.all()
    if not is_gestionnaire(user):
        profiles = profiles.filter(school_id__in=schools_of(user))
    return profiles.values_list("intervenant_id", flat=True)


def manages(user, intervenant) -> bool:
    """The user may enter this intervenant's competences and unavailability."""
    if is_gestionnaire(user):
        return True
    return (
        is_chef_etablissement(user)
        and staff_of(user).filter(intervenant_id=intervenant.pk).exists()
    )
