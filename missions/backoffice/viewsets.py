"""Snippet viewsets of the back-office, grouped in the "Missions", "Référentiels" and
"Tarifs" menus. Missions and états de frais are scoped: a chef de centre sees only those of
their centres (list, inspect, history), a gestionnaire sees all."""

from wagtail.admin.ui.tables import Column
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.snippets.views.snippets import SnippetViewSet

from missions.backoffice.choosers import (
    CentreChooser,
    IntervenantChooser,
    MissionChooser,
    SessionChooser,
)
from missions.backoffice.listing import (
    BoundedIndexView,
    FeePartFilterSet,
    FeePartIndexView,
    MissionFilterSet,
    MissionIndexView,
    YesNoColumn,
)
from missions.backoffice.object_views import (
    AuditInspectView,
    DossierInspectView,
    InspectView,
    MissionInspectView,
    ScopedAuditInspectView,
    ScopedViewSet,
)
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

# Audit trail (django-simple-history) shown under the fields of an inspect view. Only
# save()/delete() write records: bulk_create, bulk_update and QuerySet.update() (demo data,
# bulk import, fee amounts, batch assignment) leave none; see docs/backups.md.


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
    index_view_class = FeePartIndexView
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
