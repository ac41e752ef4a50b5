"""Wagtail admin for the creation requests: list, inspect, accept, refuse, download the file."""

from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.html import format_html
from django.views.generic import FormView, View
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.views import generic
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets import HeaderButton, ListingButton

from regulations import services
from regulations.admin_urls import VIEWSET_NAME, url_name
from regulations.forms import AcceptanceForm, RefusalForm
from regulations.models.requests import APPLICANT_FIELDS, IntervenantRequest


def decision_buttons(record, button_class):
    if not record.is_pending:
        return []
    return [
        button_class(
            "Accepter",
            url=reverse(url_name("accept"), args=[record.pk]),
            icon_name="check",
            priority=5,
        ),
        button_class(
            "Refuser",
            url=reverse(url_name("refuse"), args=[record.pk]),
            icon_name="cross",
            priority=6,
        ),
    ]


class RequestIndexView(generic.IndexView):
    def get_list_buttons(self, instance):
        buttons = super().get_list_buttons(instance)
        if self.user_has_permission("change"):
            buttons = decision_buttons(instance, ListingButton) + buttons
        return buttons


class RequestInspectView(generic.InspectView):
    def get_header_buttons(self):
        buttons = super().get_header_buttons()
        if self.user_has_permission("change"):
            buttons = decision_buttons(self.object, HeaderButton) + buttons
        return buttons

    def get_supporting_document_display_value(self):
        if not self.object.supporting_document:
            return "Aucune"
        return format_html(
            '<a href="{}">Télécharger la pièce justificative</a>',
            reverse(url_name("document"), args=[self.object.pk]),
        )

    def get_intervenant_display_value(self):
        return self.object.intervenant or "—"


class RequestObjectMixin(PermissionCheckedMixin):
    model = IntervenantRequest
    permission_required = "change"

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.object = get_object_or_404(IntervenantRequest, pk=kwargs["pk"])

    def inspect_url(self):
        return reverse(url_name("inspect"), args=[self.object.pk])


class DecisionView(RequestObjectMixin, WagtailAdminTemplateMixin, FormView):
    """Accept or refuse a pending request, after a confirmation page."""

    template_name = "regulations/admin/decide_request.html"
    header_icon = "user"
    refusal_form_class = RefusalForm

    def dispatch(self, request, *args, **kwargs):
        # Permission first (in super().dispatch) for anyone who may not see the request.
        if self.user_has_permission(self.permission_required) and not self.object.is_pending:
            messages.warning(
                request,
                f"La demande {self.object.reference} est déjà traitée "
                f"({self.object.get_status_display().lower()}).",
            )
            return redirect(self.inspect_url())
        return super().dispatch(request, *args, **kwargs)

    def get_page_subtitle(self):
        return str(self.object)

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse(url_name("index")), "label": "Demandes de création d'intervenant"},
            {"url": self.inspect_url(), "label": self.object.reference},
            {"url": "", "label": self.get_page_title()},
        ]

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "object": self.object,
            "inspect_url": self.inspect_url(),
        }

    def form_valid(self, form):
        try:
            self.decide(form)
        except services.RequestAlreadyDecided:
            messages.warning(self.request, f"La demande {self.object.reference} est déjà traitée.")
        return redirect(self.inspect_url())


class AcceptView(DecisionView):
    page_title = "Accepter la demande"
    form_class = AcceptanceForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "record": self.object}

    def decide(self, form):
        commune = form.cleaned_data.get("home_commune")
        intervenant = services.accept_request(self.object, self.request.user, commune)
        messages.success(
            self.request,
            f"Demande {self.object.reference} acceptée : intervenant {intervenant} créé, "
            "le demandeur est prévenu par courriel.",
        )


class RefuseView(DecisionView):
    page_title = "Refuser la demande"
    form_class = RefusalForm

    def decide(self, form):
        services.refuse_request(self.object, self.request.user, form.cleaned_data["reason"])
        messages.success(
            self.request,
            f"Demande {self.object.reference} refusée : le motif a été envoyé au demandeur.",
        )


class DocumentView(RequestObjectMixin, View):
    """Stream the private supporting document to a user allowed to process requests."""

    def get(self, request, pk):
        document = self.object.supporting_document
        if not document:
            raise Http404
        extension = document.name.rsplit(".", 1)[-1]
        return FileResponse(
            document.open("rb"),
            as_attachment=True,
            filename=f"{self.object.reference}-piece-justificative.{extension}",
        )


class StatusColumn(Column):
    def get_value(self, instance):
        return instance.get_status_display()


class RequesterColumn(Column):
    def get_value(self, instance):
        return (
            f"{instance.get_civility_display()} {instance.first_name} {instance.last_name.upper()}"
        )


class IntervenantRequestViewSet(ModelViewSet):
    model = IntervenantRequest
    name = VIEWSET_NAME
    icon = "user"
    menu_label = "Demandes d'intervenants"
    menu_order = 250
    add_to_admin_menu = True
    index_view_class = RequestIndexView
    inspect_view_class = RequestInspectView
    inspect_view_enabled = True
    copy_view_enabled = False
    list_display = [
        "reference",
        RequesterColumn("last_name", label="Demandeur"),
        "category",
        "home_commune",
        DateColumn("created_at", label="Reçue le"),
        StatusColumn("status", label="Statut"),
    ]
    list_filter = ["status", "category"]
    search_fields = ["reference", "last_name", "usage_name", "first_name", "email"]
    search_backend_name = None
    list_export = [
        "reference",
        "status",
        "category",
        "civility",
        "last_name",
        "first_name",
        "email",
        "home_commune",
        "created_at",
    ]
    form_fields = APPLICANT_FIELDS
    inspect_view_fields = [
        "reference",
        "status",
        "created_at",
        *APPLICANT_FIELDS,
        "supporting_document",
        "consent_given_at",
        "decided_at",
        "decided_by",
        "refusal_reason",
        "intervenant",
    ]

    def get_common_view_kwargs(self, **kwargs):
        # Requests come from the public form only: no "add" or "copy" in the admin.
        return {**super().get_common_view_kwargs(**kwargs), "add_url_name": None}

    def get_urlpatterns(self):
        patterns = [p for p in super().get_urlpatterns() if p.name not in {"add", "copy"}]
        return [
            *patterns,
            path("accept/<int:pk>/", AcceptView.as_view(), name="accept"),
            path("refuse/<int:pk>/", RefuseView.as_view(), name="refuse"),
            path("document/<int:pk>/", DocumentView.as_view(), name="document"),
        ]


intervenant_request_viewset = IntervenantRequestViewSet()
