"""Creating intervenants and their portal accounts."""

from django.contrib.auth import get_user_model
from django.db import transaction

from missions.models import DossierFinancier, Intervenant


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


def _postal_address(record):
    """The address lines of a request; town and country are written out for an address
    outside Polynesia (the commune, printed after it, is then the DEC's choice)."""
    address = getattr(record, "address", "") or ""
    if getattr(record, "lives_in_polynesia", True):
        return address
    return "\n".join(
        line
        for line in [address, f"{record.postal_code} {record.town}".strip(), record.country]
        if line
    )


@transaction.atomic
def create_intervenant_from_request(record, actor=None, home_commune=None):
    """Create the intervenant (and portal account, empty dossier financier) described by an
    accepted creation request, so the DEC never retypes it. `home_commune`: the Polynesian
    commune the DEC attaches someone living elsewhere to (travel is computed from it)."""
    intervenant = Intervenant(
        civility=record.civility,
        last_name=record.last_name,
        usage_name=getattr(record, "usage_name", "") or "",
        first_name=record.first_name,
        birth_date=record.birth_date,
        email=record.email,
        phone=getattr(record, "phone", "") or "",
        address=_postal_address(record),
        postal_code=getattr(record, "postal_code", "") or "",
        home_commune=home_commune or record.home_commune,
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
