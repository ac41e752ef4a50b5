"""Mises en paiement in the Wagtail admin: list of batches, new batch (preview of what is
included and refused, then creation), batch detail (remove parts while a draft, export with
the expected payment date, download CSV/XLSX/PDF, mark paid). Gestionnaires only; the
workflow lives in services/payments.py. Registers its hooks (and the dashboard's) when
wagtail_hooks imports it."""

from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import include, path, reverse, reverse_lazy
from django.utils import timezone
from django.views.generic import DetailView, ListView, TemplateView, View
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.widgets import HeaderButton

from missions.backoffice.views import dashboard  # noqa: F401  (registers the dashboard panels)
from missions.backoffice.views.base import HOME, GestionnaireView
from missions.enums import BatchStatus, PartNature
from missions.io import payment_files as sealing
from missions.models import FeePart, PaymentBatch, Session
from missions.money import format_xpf
from missions.permissions import is_gestionnaire
from missions.services import payments

LIST = {"url": reverse_lazy("missions_payments"), "label": "Mises en paiement"}
PREVIEW_ROWS = 200
DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class NewBatchForm(forms.Form):
    nature = forms.ChoiceField(
        label="Nature",
        choices=PartNature.choices,
        widget=forms.RadioSelect,
        initial=PartNature.REMUNERATION,
    )
    session = forms.ModelChoiceField(
        label="Session",
        queryset=Session.objects.order_by("-start_date", "name"),
        required=False,
        empty_label="Toutes les sessions",
    )


class ExportForm(forms.Form):
    expected_payment_on = forms.DateField(
        label="Date de paiement prévue",
        widget=DATE_INPUT,
        help_text="Communiquée aux intervenants dès l'export.",
    )


class PaidForm(forms.Form):
    paid_on = forms.DateField(label="Date du paiement", widget=DATE_INPUT)


def _first_error(form):
    return next(iter(form.errors.values()))[0]


class BatchListView(GestionnaireView, ListView):
    template_name = "missions/admin/payments/list.html"
    page_title = "Mises en paiement"
    header_icon = "tasks"
    breadcrumbs_items = [HOME]
    paginate_by = 50
    context_object_name = "batches"

    def get_queryset(self):
        return payments.batches_with_totals().order_by("-created_at", "-pk")

    def get_header_buttons(self):
        return [HeaderButton("Nouveau lot", reverse("missions_payment_new"), icon_name="plus")]


class BatchCreateView(GestionnaireView, TemplateView):
    """GET: the form, and with a nature, what the batch would include and refuse.
    POST: create it (the selection is computed again: it may have changed meanwhile)."""

    template_name = "missions/admin/payments/new.html"
    page_title = "Nouveau lot de mise en paiement"
    header_icon = "plus"
    breadcrumbs_items = [HOME, LIST]

    def get(self, request):
        form = NewBatchForm(request.GET if "nature" in request.GET else None)
        selection = payments.select_parts(**form.cleaned_data) if form.is_valid() else None
        context = self.get_context_data(
            form=form,
            selection=selection,
            preview_rows=PREVIEW_ROWS,
            hidden_rows=max(0, selection.count - PREVIEW_ROWS) if selection else 0,
        )
        return self.render_to_response(context)

    def post(self, request):
        form = NewBatchForm(request.POST)
        if not form.is_valid():
            messages.error(request, _first_error(form))
            return redirect("missions_payment_new")
        try:
            batch, selection = payments.create_batch(user=request.user, **form.cleaned_data)
        except payments.PaymentError as error:
            messages.error(request, str(error))
            session = form.cleaned_data["session"]
            query = urlencode(
                {"nature": form.cleaned_data["nature"], "session": session.pk if session else ""}
            )
            return redirect(f"{reverse('missions_payment_new')}?{query}")
        plural = "s" if selection.count > 1 else ""
        text = (
            f"Lot {batch.number} créé : {selection.count} partie{plural}, "
            f"{format_xpf(selection.total)}."
        )
        if selection.refused:
            text += f" {len(selection.refused)} refusée(s) : voir ci-dessous."
        messages.success(request, text)
        return redirect("missions_payment", pk=batch.pk)


class BatchDetailView(GestionnaireView, DetailView):
    template_name = "missions/admin/payments/detail.html"
    header_icon = "tasks"
    breadcrumbs_items = [HOME, LIST]
    context_object_name = "batch"

    def get_queryset(self):
        return PaymentBatch.objects.select_related("created_by")

    def get_page_title(self):
        return f"Lot {self.object.number}"

    def get_context_data(self, **kwargs):
        batch = self.object
        today = timezone.localdate()
        is_draft = batch.status == BatchStatus.DRAFT
        summary = payments.batch_summary(batch)
        return super().get_context_data(
            parts=payments.batch_parts(batch),
            summary=summary,
            breakdowns=[
                ("Par archipel (lieu de la mission)", "Archipel", summary["by_archipelago"]),
                ("Par type de mission", "Type de mission", summary["by_activity"]),
            ],
            is_draft=is_draft,
            refused=payments.still_refused(batch) if is_draft else [],
            export_form=ExportForm(
                initial={"expected_payment_on": payments.default_expected_payment_on(today)}
            ),
            paid_form=PaidForm(initial={"paid_on": today}),
            file_checks=sealing.verify(batch) if batch.sealed_at else [],
            differences=sealing.differences(batch) if batch.sealed_at else [],
            **kwargs,
        )


class BatchActionView(GestionnaireView, View):
    """A POST on a batch: run the service, say what happened, back to the batch page."""

    def post(self, request, pk, **kwargs):
        batch = get_object_or_404(PaymentBatch, pk=pk)
        try:
            message = self.act(batch, **kwargs)
        except payments.PaymentError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, message)
        return redirect("missions_payment", pk=batch.pk)


class RemovePartView(BatchActionView):
    def act(self, batch, part_pk):
        part = get_object_or_404(payments.with_payment_details(FeePart.objects), pk=part_pk)
        payments.remove_part(batch, part, user=self.request.user)
        intervenant = part.etat.mission.intervenant
        return f"Partie de {intervenant.full_name} retirée du lot : elle redevient « Contrôlé »."


class ExportView(BatchActionView):
    def act(self, batch):
        form = ExportForm(self.request.POST)
        if not form.is_valid():
            raise payments.PaymentError(_first_error(form))
        batch = sealing.export_batch(batch, **form.cleaned_data)
        return (
            f"Lot {batch.number} exporté : il ne peut plus être modifié. Paiement prévu le "
            f"{batch.expected_payment_on:%d/%m/%Y}. Téléchargez le fichier pour le service payeur."
        )


class MarkPaidView(BatchActionView):
    def act(self, batch):
        form = PaidForm(self.request.POST)
        if not form.is_valid():
            raise payments.PaymentError(_first_error(form))
        batch = payments.mark_paid(batch, user=self.request.user, **form.cleaned_data)
        return (
            f"Lot {batch.number} payé le {batch.paid_on:%d/%m/%Y} : les intervenants en sont "
            "avertis par courriel."
        )


class DownloadView(GestionnaireView, View):
    """The file for the paying service, or the PDF summary, of an exported batch: the bytes
    stored at export, never a file built again."""

    def get(self, request, pk, fmt):
        batch = get_object_or_404(PaymentBatch, pk=pk)
        if fmt not in sealing.SEALED_FORMATS:
            raise Http404
        if batch.status == BatchStatus.DRAFT:
            messages.error(
                request,
                "Exportez d'abord le lot : ses fichiers ne sont disponibles qu'une fois figé.",
            )
            return redirect("missions_payment", pk=batch.pk)
        try:
            content, content_type, filename = sealing.stored_file(batch, fmt)
        except sealing.SealError as error:
            messages.error(request, str(error))
            return redirect("missions_payment", pk=batch.pk)
        response = HttpResponse(content, content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response


urlpatterns = [
    path("", BatchListView.as_view(), name="missions_payments"),
    path("nouveau/", BatchCreateView.as_view(), name="missions_payment_new"),
    path("<int:pk>/", BatchDetailView.as_view(), name="missions_payment"),
    path(
        "<int:pk>/retirer/<int:part_pk>/", RemovePartView.as_view(), name="missions_payment_remove"
    ),
    path("<int:pk>/exporter/", ExportView.as_view(), name="missions_payment_export"),
    path("<int:pk>/payer/", MarkPaidView.as_view(), name="missions_payment_paid"),
    path("<int:pk>/fichier.<slug:fmt>", DownloadView.as_view(), name="missions_payment_download"),
]


@hooks.register("register_admin_urls")
def register_payment_urls():
    return [path("missions/paiements/", include(urlpatterns))]


class GestionnaireMenuItem(MenuItem):
    def is_shown(self, request):
        return is_gestionnaire(request.user)


@hooks.register("register_admin_menu_item")
def register_payment_menu_item():
    return GestionnaireMenuItem(
        "Mises en paiement",
        reverse("missions_payments"),
        # Not "missions-…": Wagtail's sidebar would also highlight the "missions" group,
        # whose name is a prefix of it.
        name="payment-batches",
        icon_name="tasks",
        order=205,
    )
