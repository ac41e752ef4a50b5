"""Deployment checks (`manage.py check --deploy`)."""

from django.core.checks import Warning, register
from django.db import DatabaseError


@register(deploy=True)
def portal_address_is_public(app_configs=None, **kwargs):
    """Convocations and emails print the default site's root URL: a loopback address there
    sends intervenants nowhere."""
    from missions.services.site_address import is_loopback, site_root_url

    try:
        url = site_root_url()
    except DatabaseError:  # no database yet: nothing printed either
        return []
    if not is_loopback(url):
        return []
    return [
        Warning(
            f"L'adresse du site est {url} : les convocations et les courriels l'impriment.",
            hint="Renseignez le nom d'hôte public du site par défaut (Paramètres → Sites).",
            id="missions.W001",
        )
    ]
