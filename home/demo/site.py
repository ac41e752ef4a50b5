"""Demo site: page tree, Wagtail site and one account per role. Idempotent."""

import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from wagtail.models import Page, Site

from home.models import HomePage
from missions import roles

HOME_INTRO = (
    "<p>IMAG'IN est l'application du Vice-rectorat de la Polynésie française dans laquelle "
    "les intervenants aux examens et concours consultent leurs missions, saisissent le "
    "travail effectué et leurs déplacements, les valident et transmettent ce qu'il faut "
    "pour être payés.</p>"
)

DEMO_ACCOUNTS = [
    # username, first name, last name, is_superuser, is_staff, groups
    ("admin", "Administratrice", "Démo", True, True, []),
    ("gestionnaire", "Teva", "Gestionnaire", False, True, [roles.GESTIONNAIRES]),
    ("editeur", "Hina", "Éditrice", False, True, [roles.EDITORS]),
    ("chef.centre", "Marama", "Chef de centre", False, True, [roles.CHEFS_DE_CENTRE]),
    # Heads the Lycée du Taaone: enters their staff's competences and unavailability.
    (
        "chef.etablissement",
        "Vaite",
        "Cheffe d'établissement",
        False,
        True,
        [roles.CHEFS_ETABLISSEMENT],
    ),
    # An intervenant logs in with the identifier printed on the convocation.
    ("PF000001", "Tama", "Intervenant", False, False, []),
]


def seed_home_page():
    root = Page.get_first_root_node()
    home = HomePage.objects.first()
    if home is None:
        home = HomePage(title="IMAG'IN Polynésie", slug="accueil", intro=HOME_INTRO)
        root.add_child(instance=home)
        home.save_revision().publish()
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        site = Site(hostname="localhost", port=80, is_default_site=True)
    site.root_page = home
    site.site_name = "IMAG'IN Polynésie"
    site.save()
    # Wagtail's own migration leaves a "Welcome" placeholder page: drop it.
    for placeholder in root.get_children().not_type(HomePage):
        placeholder.delete()
    return home


def seed_accounts(password=None):
    """Create or refresh the demo accounts; return (username, password, role) rows."""
    User = get_user_model()
    rows = []
    for username, first, last, superuser, staff, group_names in DEMO_ACCOUNTS:
        user, _ = User.objects.get_or_create(username=username)
        user.first_name, user.last_name = first, last
        user.email = f"{username.lower()}@demo.imagin.pf"
        user.is_superuser, user.is_staff, user.is_active = superuser, staff, True
        account_password = password or secrets.token_urlsafe(12)
        user.set_password(account_password)
        user.save()
        user.groups.set(Group.objects.filter(name__in=group_names))
        role = ", ".join(group_names) or ("Administrateur" if superuser else "Intervenant")
        rows.append((username, account_password, role))
    return rows
