"""Versions of what the portal pages show, renewed by every write that changes it.

A cached portal page (portal/page_cache.py) is stored with the versions read before it was
rendered and served only while they are all unchanged:

- the intervenant's own version: their missions, états de frais, parts, lines, status
  history, attestations, dossier and identity (one version per intervenant, since a mission
  page also reads the intervenant's other missions: the car km of the year);
- the reference version: sessions, exams, centres, places, activities, rates, payment
  batches, whatever many intervenants' pages show at once;
- the reference-data version (missions/reference_data.py) and the public pages' content
  generation (imagin_site/common/page_cache.py: menus, contact settings in the footer), each
  renewed by its own module.

All of them live in the shared cache, so every app server agrees. A write renews a version
at once (the writing request's next read, inside its transaction, renders afresh) and again
when its transaction commits (a page rendered in between from the old rows is left unused);
a rolled-back write has only cost a rendering.

Saves and deletes of the models below renew their version through signals. Writes that send
no signal (QuerySet.update(), bulk_create/bulk_update, COPY and raw SQL) call
`bump_intervenants`/`bump_reference` themselves: tests/missions/portal/test_page_cache.py
lists every write path and checks each, and fails when a model of `missions` is in none of
the lists here.
"""

import logging
import uuid

from django.core.cache import cache
from django.db import connection, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save

from imagin_site.common import page_cache as public_pages
from missions import reference_data

logger = logging.getLogger(__name__)

REFERENCE_KEY = "portal:version:reference"
# More intervenants than this in one write (a payment batch, an import): renew the reference
# version, one cache write instead of thousands.
MANY = 200

# Models whose rows belong to one intervenant: the path of foreign keys from the model to
# the intervenant (empty: the intervenant itself).
PERSONAL = {
    "Intervenant": (),
    "DossierFinancier": ("intervenant",),
    "Mission": ("intervenant",),
    "EtatDeFrais": ("mission", "intervenant"),
    "Attestation": ("etat", "mission", "intervenant"),
    "FeePart": ("etat", "mission", "intervenant"),
    "WorkLine": ("part", "etat", "mission", "intervenant"),
    "TravelLeg": ("part", "etat", "mission", "intervenant"),
    "MealLine": ("part", "etat", "mission", "intervenant"),
    "NightLine": ("part", "etat", "mission", "intervenant"),
    "StatusChange": ("part", "etat", "mission", "intervenant"),
}
# Models many intervenants' pages show.
REFERENCE = {
    "Archipelago",
    "Island",
    "Commune",
    "Activity",
    "RateGroup",
    "Rate",
    "TravelRate",
    "Exam",
    "Session",
    "Centre",
    "PaymentBatch",
}
# Models of the app no portal page reads, and why.
NOT_SHOWN = {
    "ConvocationRun": "progress of a staff run; its missions are bumped when issued",
    "ConvocationDocument": "the convocation PDFs, not on these pages",
    "Notification": "e-mails",
    "PaymentLine": "the sealed record of a batch, for the DEC",
    "PaymentFile": "the sealed files of a batch, for the DEC",
}


def person_key(intervenant_id):
    return f"portal:version:intervenant:{intervenant_id}"


def version_keys(intervenant_id):
    """The cache keys of every version a page of this intervenant depends on."""
    return [
        person_key(intervenant_id),
        REFERENCE_KEY,
        reference_data.VERSION_KEY,
        public_pages.GENERATION_KEY,
    ]


def versions(found, keys):
    """The versions under `keys` among `found` (a get_many answer), made when absent."""
    values = []
    for key in keys:
        value = found.get(key)
        if value is None:
            # add(): of two processes finding none, both keep the one stored first.
            cache.add(key, uuid.uuid4().hex, timeout=None)
            value = cache.get(key)
        values.append(value)
    return tuple(values)


def bump_intervenants(ids):
    """Renew the versions of these intervenants' pages (after a write sending no signal)."""
    ids = {pk for pk in ids if pk is not None}
    if len(ids) > MANY:
        bump_reference()
    elif ids:
        _renew([person_key(pk) for pk in ids])


def bump_missions(missions):
    """Renew the pages of the intervenants of these missions (a queryset or ids)."""
    from missions.models import Mission

    _bump_owners(Mission.objects, "intervenant_id", missions)


def bump_parts(parts):
    """Renew the pages of the intervenants of these fee parts (a queryset or ids)."""
    from missions.models import FeePart

    _bump_owners(FeePart.objects, "etat__mission__intervenant_id", parts)


def bump_rows(model, pks):
    """Renew the pages showing these rows of `model`, written without a signal."""
    name = model.__name__
    if model._meta.app_label == "missions" and name in NOT_SHOWN:
        return
    if model._meta.app_label == "missions" and name in PERSONAL:
        path = "__".join(PERSONAL[name]) or "pk"
        _bump_owners(model._base_manager, path, pks)
    else:
        bump_reference()


def _bump_owners(manager, path, given):
    """The owners of the rows `given` (ids or a queryset) of `manager`'s model."""
    if isinstance(given, list | tuple | set | frozenset) and len(given) > MANY:
        # Not worth a query with thousands of ids (nor its filter: 100,000 ids take a
        # third of a second to turn into one).
        bump_reference()
        return
    # One query, at most MANY + 1 rows: past MANY the reference version goes anyway.
    owners = manager.filter(pk__in=given).order_by().values_list(path, flat=True)
    owners = owners.distinct()[: MANY + 1]
    bump_intervenants(list(owners))


def bump_reference():
    """Renew every portal page (reference data, or too many intervenants to list)."""
    _renew([REFERENCE_KEY])


def _write(keys):
    try:
        cache.set_many({key: uuid.uuid4().hex for key in keys}, timeout=None)
    except Exception:
        # The write itself must not fail; a page then lives at most PORTAL_CACHE_SECONDS.
        logger.exception("Cache du portail : invalidation impossible.")


def _renew(keys):
    _write(keys)
    if connection.in_atomic_block:
        transaction.on_commit(lambda: _write(keys), robust=True)


def intervenant_of(instance, path):
    """The intervenant id behind `instance` along `path`, through relations already loaded
    when possible, else in one query; None when the row is gone (a cascade delete)."""
    if not path:
        return instance.pk
    current = instance
    for index, name in enumerate(path):
        field = current._meta.get_field(name)
        if index == len(path) - 1:
            return getattr(current, field.attname)
        if field.is_cached(current):
            current = getattr(current, name)
            continue
        rest = "__".join(path[index + 1 :])
        pk = getattr(current, field.attname)
        return field.related_model._base_manager.filter(pk=pk).values_list(rest, flat=True).first()
    return None


def bump_owner_of(instance):
    """Renew the pages of the intervenant `instance` (of a PERSONAL model) belongs to."""
    owner = intervenant_of(instance, PERSONAL[type(instance).__name__])
    if owner is None:
        bump_reference()  # the owner is gone already: renew every page rather than guess
        return
    bump_intervenants({owner, getattr(instance, "_portal_previous_intervenant", None)})


def _personal_changed(sender, instance, **kwargs):
    bump_owner_of(instance)


def _mission_before_save(sender, instance, raw=False, **kwargs):
    """A mission moved to another intervenant leaves the first one's list too."""
    if instance._state.adding or raw:
        return
    instance._portal_previous_intervenant = (
        sender._base_manager.filter(pk=instance.pk).values_list("intervenant_id", flat=True).first()
    )


def _reference_changed(**kwargs):
    bump_reference()


def connect_signals():
    from django.apps import apps

    for model in apps.get_app_config("missions").get_models():
        name = model.__name__
        uid = f"portal-cache-{model._meta.label_lower}"
        if name in PERSONAL:
            receiver = _personal_changed
        elif name in REFERENCE:
            receiver = _reference_changed
        else:
            continue
        post_save.connect(receiver, sender=model, dispatch_uid=f"{uid}-save")
        post_delete.connect(receiver, sender=model, dispatch_uid=f"{uid}-delete")
    pre_save.connect(
        _mission_before_save,
        sender=apps.get_model("missions", "Mission"),
        dispatch_uid="portal-cache-mission-before-save",
    )
    m2m_changed.connect(
        _reference_changed,
        sender=apps.get_model("missions", "Commune").neighbours.through,
        dispatch_uid="portal-cache-neighbours",
    )
