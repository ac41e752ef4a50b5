"""Where the site is served and how to reach the DEC, for documents and emails made
outside a request (convocation PDFs, notifications)."""

from urllib.parse import urlsplit

from django.conf import settings

LOOPBACK_HOSTS = {"localhost", "127.0.0.1", "::1", "0.0.0.0"}  # noqa: S104 (a list, not a bind)


def _default_site():
    from wagtail.models import Site

    return Site.objects.filter(is_default_site=True).first()


def site_root_url():
    """The default Wagtail site's root URL (Paramètres → Sites), as editors set it for the
    address the public uses; WAGTAILADMIN_BASE_URL only when no site exists."""
    site = _default_site()
    return (site.root_url if site else settings.WAGTAILADMIN_BASE_URL).rstrip("/")


def portal_url():
    return f"{site_root_url()}/espace/"


def dec_contact():
    """The DEC's contact settings (phone, email, address) of the default site."""
    from home.models import ContactSettings

    site = _default_site()
    return ContactSettings.for_site(site) if site else ContactSettings()


def is_loopback(url):
    return (urlsplit(url).hostname or "") in LOOPBACK_HOSTS
