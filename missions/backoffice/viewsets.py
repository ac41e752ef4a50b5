"""Snippet viewsets of the back-office, grouped in the "Missions", "Référentiels" and
"Tarifs" menus. Missions and états de frais are scoped: a chef de centre sees only those of
their centres (list, inspect, history), a gestionnaire sees all."""

from django.db import models
from django.http import Http404
from wagtail.admin.ui.tables import Column
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.snippets.views.snippets import HistoryView, SnippetViewSet, UsageView
from wagtail.snippets.views.snippets import InspectView as WagtailInspectView

from missions.backoffice.choosers import (
    CentreChooser,
    IntervenantChooser,
    MissionChooser,
    SessionChooser,
)
from missions.backoffice.listing import (
    BoundedIndexView,
    FeePartFilterSet,
    MissionFilterSet,
    MissionIndexView,
)
from missions.backoffice.views.display import LocalInspectMixin
from missions.backoffice.views.documents import DossierDocumentsMixin
from missions.backoffice.views.locked import (
    FeePartDeleteView,
    FeePartEditView,
    MissionDeleteView,
    MissionEditView,
    PaymentBatchDeleteView,
    PaymentBatchEditView,
)
from missions.models import (
    Activity,
    Archipelago,
    Attestation,
    Centre,
    Commune,
    DossierFinancier,
    Exam,
    FeePart,
    Intervenant,
    Island,
    Mission,
    PaymentBatch,
    Rate,
    RateGroup,
    Session,
    StatusChange,
    TravelRate,
)
from missions.services.fees import part_result
from missions.services.rulebook import RateBook

# Audit trail (django-simple-history) shown under the fields of an inspect view. Only
# save()/delete() write records: bulk_create, bulk_update and QuerySet.update() (demo data,
# bulk import, fee amounts, batch assignment) leave none; see docs/backups.md.

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


class YesNoColumn(Column):
    """A boolean as "Oui"/"Non" (Wagtail's columns print True/False)."""

    def get_value(self, instance):
        return "Oui" if super().get_value(instance) else "Non"


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


# Référentiels


class ArchipelagoViewSet(SnippetViewSet):
    model = Archipelago
    icon = "globe"
    list_display = ["name", "order"]
    copy_view_enabled = False


class IslandViewSet(SnippetViewSet):
    model = Island
    icon = "globe"
    list_display = ["name", "archipelago", "subdivision"]
    list_filter = ["archipelago"]
    search_fields = ["name"]
    copy_view_enabled = False


class CommuneViewSet(SnippetViewSet):
    model = Commune
    inspect_view_class = InspectView
    icon = "site"
    list_display = ["name", "island", Column("archipelago", label="Archipel")]
    list_filter = ["island__archipelago", "island"]
    search_fields = ["name"]
    inspect_view_enabled = True
    copy_view_enabled = False

    def get_queryset(self, request):
        return Commune.objects.with_geography()


class CentreViewSet(SnippetViewSet):
    model = Centre
    chooser_viewset_class = CentreChooser
    inspect_view_class = InspectView
    icon = "home"
    list_display = ["name", "uai", "commune", "island", YesNoColumn("active", label="Actif")]
    list_filter = ["island__archipelago", "island", "active"]
    search_fields = ["name", "uai"]
    list_export = ["name", "uai", "commune", "island", "address", "active"]
    inspect_view_enabled = True
    copy_view_enabled = False

    def get_queryset(self, request):
        return Centre.objects.select_related("commune", "island")


class ExamViewSet(SnippetViewSet):
    model = Exam
    icon = "doc-full"
    list_display = ["name", "code", "kind", "rate_group"]
    list_filter = ["kind", "rate_group"]


class SessionViewSet(SnippetViewSet):
    model = Session
    chooser_viewset_class = SessionChooser
    inspect_view_class = InspectView
    icon = "date"
    list_display = ["name", "exam", "start_date", "end_date", "entry_deadline"]
    list_filter = ["exam", "year"]
    search_fields = ["name"]
    inspect_view_enabled = True


class ActivityViewSet(SnippetViewSet):
    model = Activity
    icon = "tasks"
    list_display = ["name", "code", "unit", "order"]
    list_filter = ["unit"]
    copy_view_enabled = False


class ReferentielsGroup(ViewSetGroup):
    menu_label = "Référentiels"
    menu_icon = "folder-open-inverse"
    menu_order = 210
    items = (
        CentreViewSet,
        SessionViewSet,
        ExamViewSet,
        ActivityViewSet,
        CommuneViewSet,
        IslandViewSet,
        ArchipelagoViewSet,
    )


# Tarifs


class RateGroupViewSet(SnippetViewSet):
    model = RateGroup
    icon = "list-ul"
    list_display = ["name", "code"]
    copy_view_enabled = False


class RateViewSet(SnippetViewSet):
    model = Rate
    inspect_view_class = AuditInspectView
    icon = "form"
    list_display = [
        "activity",
        "rate_group",
        "label",
        "amount",
        "amount_eur",
        "valid_from",
        "valid_to",
        YesNoColumn("to_confirm", label="À confirmer"),
    ]
    list_filter = ["activity", "rate_group", "to_confirm"]
    list_export = [
        "activity",
        "rate_group",
        "label",
        "amount",
        "amount_eur",
        "valid_from",
        "valid_to",
        "source",
    ]
    inspect_view_enabled = True

    def get_queryset(self, request):
        return Rate.objects.select_related("activity", "rate_group")


class TravelRateViewSet(SnippetViewSet):
    model = TravelRate
    inspect_view_class = AuditInspectView
    icon = "form"
    list_display = ["kind", "horsepower_band", "distance_band", "amount", "valid_from", "valid_to"]
    list_filter = ["kind", "horsepower_band"]
    inspect_view_enabled = True


class TarifsGroup(ViewSetGroup):
    menu_label = "Tarifs"
    menu_icon = "tag"
    menu_order = 220
    items = (RateViewSet, TravelRateViewSet, RateGroupViewSet)


# Missions


class IntervenantViewSet(SnippetViewSet):
    model = Intervenant
    chooser_viewset_class = IntervenantChooser
    index_view_class = BoundedIndexView
    inspect_view_class = AuditInspectView
    icon = "user"
    list_display = ["identifier", "full_name", "home_commune", "category", "status"]
    list_filter = ["status", "category", "is_external", "home_island__archipelago"]
    search_fields = ["identifier", "last_name", "usage_name", "first_name", "email"]
    list_export = [
        "identifier",
        "civility",
        "last_name",
        "usage_name",
        "first_name",
        "email",
        "phone",
        "home_commune",
        "work_commune",
        "employer",
        "category",
        "status",
    ]
    inspect_view_enabled = True
    copy_view_enabled = False

    def get_queryset(self, request):
        return Intervenant.objects.select_related("home_commune")


class DossierViewSet(SnippetViewSet):
    model = DossierFinancier
    index_view_class = BoundedIndexView
    inspect_view_class = DossierInspectView
    icon = "doc-full-inverse"
    list_display = ["intervenant", "masked_iban", "bank_name", "checked_at", "bank_changed_at"]
    search_fields = ["intervenant__last_name", "intervenant__identifier"]
    inspect_view_enabled = True
    inspect_view_fields = [
        "intervenant",
        "masked_iban",
        "bic",
        "bank_name",
        "account_holder",
        "vehicle_horsepower",
        "checked_at",
        "checked_by",
        "check_reset_at",
        "pending_changes",
        "rib_document",
        "id_document",
        "bank_changed_at",
        "last_mission_on",
    ]
    copy_view_enabled = False

    def get_queryset(self, request):
        return DossierFinancier.objects.select_related("intervenant")


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


class MissionViewSet(ScopedViewSet):
    model = Mission
    chooser_viewset_class = MissionChooser
    icon = "clipboard-list"
    inspect_view_class = MissionInspectView
    edit_view_class = MissionEditView  # read-only once validated (services.locks)
    delete_view_class = MissionDeleteView
    inspect_view_enabled = True
    list_display = [
        "__str__",
        "session",
        "activity",
        "centre",
        "start_date",
        "convocation_number",
    ]
    index_view_class = MissionIndexView
    filterset_class = MissionFilterSet
    search_fields = [
        "epreuve",
        "intervenant__last_name",
        "intervenant__identifier",
        "convocation_number",
    ]
    list_export = [
        "convocation_number",
        "intervenant",
        "session",
        "epreuve",
        "activity",
        "centre",
        "start_date",
        "end_date",
        "expected_quantity",
    ]
    list_per_page = 50

    def get_queryset(self, request):
        # What the columns show, no more: each join costs planning time on every page.
        return Mission.objects.visible_to(request.user).select_related(
            "intervenant", "session", "activity", "centre__island"
        )


class FeePartViewSet(ScopedViewSet):
    model = FeePart
    inspect_view_class = ScopedAuditInspectView
    edit_view_class = FeePartEditView
    delete_view_class = FeePartDeleteView
    icon = "form"
    menu_label = "États de frais"
    inspect_view_enabled = True
    list_display = ["__str__", "nature", "status", "amount", "paid_on"]
    filterset_class = FeePartFilterSet
    search_fields = [
        "etat__mission__intervenant__last_name",
        "etat__mission__intervenant__identifier",
    ]
    list_per_page = 50

    def get_queryset(self, request):
        return FeePart.objects.visible_to(request.user).with_mission()


class AttestationViewSet(SnippetViewSet):
    model = Attestation
    index_view_class = BoundedIndexView
    icon = "tick-inverse"
    list_display = [
        "__str__",
        "attested_by",
        "attested_at",
        YesNoColumn("quantity_corrected", label="Quantité corrigée"),
    ]
    copy_view_enabled = False


class PaymentBatchViewSet(SnippetViewSet):
    model = PaymentBatch
    inspect_view_class = AuditInspectView
    edit_view_class = PaymentBatchEditView
    delete_view_class = PaymentBatchDeleteView
    icon = "doc-empty"
    list_display = ["number", "nature", "status", "created_at", "paid_on"]
    list_filter = ["nature", "status"]
    inspect_view_enabled = True
    copy_view_enabled = False


class StatusChangeViewSet(SnippetViewSet):
    model = StatusChange
    index_view_class = BoundedIndexView
    icon = "history"
    list_display = ["part", "from_status", "to_status", "actor_role", "at", "reason"]
    list_filter = ["to_status", "actor_role"]
    copy_view_enabled = False

    def get_queryset(self, request):
        return StatusChange.objects.select_related("part__etat__mission__intervenant")


class MissionsGroup(ViewSetGroup):
    menu_label = "Missions"
    menu_icon = "clipboard-list"
    menu_order = 200
    items = (
        MissionViewSet,
        FeePartViewSet,
        IntervenantViewSet,
        DossierViewSet,
        AttestationViewSet,
        PaymentBatchViewSet,
        StatusChangeViewSet,
    )
