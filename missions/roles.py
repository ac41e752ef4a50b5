"""The staff roles and the permissions each one holds, kept in code so every database
(fresh, demo, production) ends up with the same groups after `migrate`."""

from django.contrib.auth.models import Group, Permission

EDITORS = "Éditeurs"
GESTIONNAIRES = "Gestionnaires DEC"
CHEFS_DE_CENTRE = "Chefs de centre"
CHEFS_ETABLISSEMENT = "Chefs d'établissement"

PAGE_PERMISSIONS = ["add_page", "change_page", "publish_page", "lock_page", "unlock_page"]
COLLECTION_PERMISSIONS = {
    "wagtaildocs": ["add_document", "change_document", "choose_document"],
    "wagtailimages": ["add_image", "change_image", "choose_image"],
}

# Records that only change through services (state machine, attestation, payment):
# gestionnaires view them in the admin, they never edit them by hand.
READ_ONLY_MODELS = [
    "feepart",
    "statuschange",
    "attestation",
    "etatdefrais",
    "paymentbatch",
    "notification",
    "convocationrun",
    "convocationdocument",
]

# app_label -> codenames (or "*" for every permission of the app's models).
ROLE_PERMISSIONS = {
    EDITORS: {
        "wagtailadmin": ["access_admin"],
        "home": ["change_contactsettings"],
    },
    GESTIONNAIRES: {
        "wagtailadmin": ["access_admin"],
        "missions": "*",
        "assignment": "*",
        "regulations": [
            "view_intervenantrequest",
            "change_intervenantrequest",
            "delete_intervenantrequest",
        ],
    },
    CHEFS_DE_CENTRE: {
        "wagtailadmin": ["access_admin"],
        # Scoped to their centres by the viewsets (missions.backoffice.viewsets.ScopedViewSet).
        "missions": ["view_mission", "view_feepart"],
    },
    CHEFS_ETABLISSEMENT: {
        # Their staff only, through assignment.school_views (no snippet permission).
        "wagtailadmin": ["access_admin"],
    },
}


def _permissions(spec):
    for app_label, codenames in spec.items():
        query = Permission.objects.filter(content_type__app_label=app_label)
        if codenames == "*":
            query = query.exclude(
                content_type__model__in=READ_ONLY_MODELS, codename__regex=r"^(add|change|delete)_"
            )
        else:
            query = query.filter(codename__in=codenames)
        yield from query


def sync_role_groups(sender=None, **kwargs):
    """Create the role groups and give them exactly their permissions.

    Connected to post_migrate, which fires once per app: act only on the last app's
    signal, when every app's permissions exist.
    """
    from django.apps import apps

    last_app = [config for config in apps.get_app_configs() if config.models_module][-1]
    if sender is not None and sender is not last_app:
        return
    from wagtail.models import Collection, GroupCollectionPermission, GroupPagePermission, Page

    for name, spec in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.set(list(_permissions(spec)))

    editors = Group.objects.get(name=EDITORS)
    root_page = Page.get_first_root_node()
    if root_page is not None:
        for codename in PAGE_PERMISSIONS:
            permission = Permission.objects.get(
                content_type__app_label="wagtailcore", codename=codename
            )
            GroupPagePermission.objects.get_or_create(
                group=editors, page=root_page, permission=permission
            )
    root_collection = Collection.get_first_root_node()
    if root_collection is not None:
        for app_label, codenames in COLLECTION_PERMISSIONS.items():
            for codename in codenames:
                permission = Permission.objects.get(
                    content_type__app_label=app_label, codename=codename
                )
                GroupCollectionPermission.objects.get_or_create(
                    group=editors, collection=root_collection, permission=permission
                )
