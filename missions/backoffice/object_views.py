"""The views that open one object in the back-office: its inspect page with the audit trail
(who changed what, sensitive values masked), and the scoping that keeps a chef de centre to
the objects of their centres."""

from django.db import models
from django.http import Http404
from wagtail.snippets.views.snippets import HistoryView, SnippetViewSet, UsageView
from wagtail.snippets.views.snippets import InspectView as WagtailInspectView

from missions.backoffice.listing import (
    BoundedIndexView,
)
from missions.backoffice.views.display import LocalInspectMixin
from missions.backoffice.views.documents import DossierDocumentsMixin
from missions.services.fees import part_result
from missions.services.rulebook import RateBook

AUDIT_TRAIL_LENGTH = 50
# Shown with their last four characters only, even to the DEC.
MASKED_FIELDS = {"iban", "social_security_number"}


def _mask(value):
    return f"•••• {value[-4:]}" if value else ""


class AuditTrail:
    """The last AUDIT_TRAIL_LENGTH history records of an object, newest first, each with
    its changed fields (old → new). Bounded queries: one for the records and users, one per
    foreign key that changed, whatever the number of records."""

    def __init__(self, obj):
        self.model = type(obj)
        manager = getattr(obj, obj._meta.simple_history_manager_attribute)
        # One more than shown: the oldest shown record is diffed against it.
        self.records = list(
            manager.select_related("history_user").order_by("-history_date", "-history_id")[
                : AUDIT_TRAIL_LENGTH + 1
            ]
        )

    def entries(self):
        rows = []
        for record, previous in zip(
            self.records[:AUDIT_TRAIL_LENGTH], [*self.records[1:], None], strict=False
        ):
            changes = []
            if previous is not None and record.history_type == "~":
                changes = record.diff_against(previous).changes
            rows.append({"record": record, "changes": changes, "first_known": previous is None})
        labels = self._related_labels(change for row in rows for change in row["changes"])
        for row in rows:
            row["changes"] = [self._display(change, labels) for change in row["changes"]]
        return rows

    def _related_labels(self, changes):
        wanted = {}
        for change in changes:
            field = self.model._meta.get_field(change.field)
            if isinstance(field, models.ForeignKey):
                ids = wanted.setdefault(field.related_model, set())
                ids.update(v for v in (change.old, change.new) if v is not None)
        return {
            model: {pk: str(obj) for pk, obj in model._default_manager.in_bulk(ids).items()}
            for model, ids in wanted.items()
        }

    def _display(self, change, labels):
        field = self.model._meta.get_field(change.field)

        def show(value):
            if value in (None, ""):
                return "—"
            if change.field in MASKED_FIELDS:
                return _mask(str(value))
            if isinstance(field, models.ForeignKey):
                return labels.get(field.related_model, {}).get(value, f"n° {value} (supprimé)")
            if field.choices:
                return dict(field.flatchoices).get(value, value)
            return value

        return {"label": field.verbose_name, "old": show(change.old), "new": show(change.new)}


class AuditTrailMixin:
    """Adds `audit_entries` to an inspect view and renders them after the fields."""

    template_name = "missions/admin/history/inspect.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["audit_entries"] = AuditTrail(self.object).entries()
        return context


class InspectView(LocalInspectMixin, WagtailInspectView):
    pass


class AuditInspectView(AuditTrailMixin, InspectView):
    pass


class DossierInspectView(DossierDocumentsMixin, AuditInspectView):
    pass


class ScopedObjectMixin:
    """Views of one object answer 404 when the object is outside the user's scope."""

    def get_object(self, *args, **kwargs):
        obj = super().get_object(*args, **kwargs)
        visible = self.model._default_manager.visible_to(self.request.user)
        if not visible.filter(pk=obj.pk).exists():
            raise Http404
        return obj


class ScopedInspectView(ScopedObjectMixin, InspectView):
    pass


class ScopedAuditInspectView(AuditTrailMixin, ScopedInspectView):
    pass


class ScopedHistoryView(ScopedObjectMixin, HistoryView):
    pass


class ScopedUsageView(ScopedObjectMixin, UsageView):
    pass


class ScopedViewSet(SnippetViewSet):
    index_view_class = BoundedIndexView
    inspect_view_class = ScopedInspectView
    history_view_class = ScopedHistoryView
    usage_view_class = ScopedUsageView
    copy_view_enabled = False

    def get_queryset(self, request):
        return self.model._default_manager.visible_to(request.user)


class MissionInspectView(ScopedAuditInspectView):
    template_name = "missions/admin/history/mission_inspect.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        etat = getattr(self.object, "etat", None)
        parts = []
        if etat is not None:
            book = RateBook.load()
            for part in etat.parts.prefetch_related("history__actor").order_by("nature"):
                parts.append({"part": part, "result": part_result(part, book)})
        context.update(etat=etat, parts=parts)
        return context
