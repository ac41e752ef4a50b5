"""Creating intervenants and their portal accounts."""

from django.contrib.auth import get_user_model
from django.db import transaction

from ..models import DossierFinancier, Intervenant


def ensure_portal_account(intervenant):
    """The intervenant's portal user: its username is the identifier printed on the
    convocation. Created without a usable password: the convocation run issues the first one."""
    if intervenant.user_id:
        return intervenant.user
    User = get_user_model()
    user, created = User.objects.get_or_create(
        username=intervenant.identifier,
        defaults={
            "first_name": intervenant.first_name,
            "last_name": intervenant.display_last_name,
            "email": intervenant.email,
        },
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    intervenant.user = user
    intervenant.save(update_fields=["user"])
    return user


@transaction.atomic
def create_intervenant_from_request(record, actor=None):
    """Create the intervenant (and portal account, empty dossier financier) described by an
    accepted creation request, so the DEC never retypes it."""
    intervenant = Intervenant(
        civility=record.civility,
        last_name=record.last_name,
        usage_name=getattr(record, "usage_name", "") or "",
        first_name=record.first_name,
        birth_date=record.birth_date,
        email=record.email,
        phone=getattr(record, "phone", "") or "",
        address=getattr(record, "address", "") or "",
        postal_code=getattr(record, "postal_code", "") or "",
        home_commune=record.home_commune,
        employer=getattr(record, "employer", "") or "",
        grade=getattr(record, "grade", "") or "",
        discipline=getattr(record, "discipline", "") or "",
        category=record.category,
    )
    intervenant.full_clean(exclude=["identifier", "home_island", "user"])
    intervenant.save()
    DossierFinancier.objects.create(intervenant=intervenant)
    ensure_portal_account(intervenant)
    return intervenant
