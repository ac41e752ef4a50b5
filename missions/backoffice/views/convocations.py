"""Convocations: choose a session's missions, dry run, issue in the background, follow the
progress, cancel, download the PDFs."""

from django import forms
from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import include, path, reverse
from django.views.generic import TemplateView, View
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from missions.backoffice.views.base import GestionnaireView
from missions.models import Activity, Centre, ConvocationDocument, ConvocationRun, Session
from missions.permissions import is_gestionnaire
from missions.services.convocation_runs import cancel_run, create_run, missions_to_issue, plan_run

MAX_LISTED = 300  # rows shown in the dry run; the counts cover everything


class SelectionForm(forms.Form):
    session = forms.ModelChoiceField(Session.objects.all(), label="Session")
    centre = forms.ModelChoiceField(Centre.objects.all(), label="Centre", required=False)
    activity = forms.ModelChoiceField(
        Activity.objects.all(), label="Type de mission", required=False
    )

    def missions(self):
        data = self.cleaned_data
        return missions_to_issue(data["session"], data.get("centre"), data.get("activity"))


class ConvocationIndexView(GestionnaireView, TemplateView):
    page_title = "Convocations"
    header_icon = "mail"
    template_name = "missions/admin/convocations/index.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["form"] = SelectionForm()
        context["runs"] = ConvocationRun.objects.select_related("session", "created_by")[:30]
        return context


class ConvocationPlanView(GestionnaireView, TemplateView):
    """GET: the dry run of a selection. POST: issue the ready missions."""

    page_title = "Émettre des convocations"
    header_icon = "mail"
    template_name = "missions/admin/convocations/plan.html"

    def get_breadcrumbs_items(self):
        index = {"url": reverse("missions_convocations:index"), "label": "Convocations"}
        return [*self.breadcrumbs_items, index, {"url": "", "label": self.page_title}]

    def get(self, request, *args, **kwargs):
        form = SelectionForm(request.GET)
        if not form.is_valid():
            messages.error(request, "Choisissez une session.")
            return redirect("missions_convocations:index")
        plan = plan_run(form.missions())
        return self.render_to_response(
            self.get_context_data(form=form, plan=plan, max_listed=MAX_LISTED)
        )

    def post(self, request, *args, **kwargs):
        form = SelectionForm(request.POST)
        if not form.is_valid():
            messages.error(request, "Sélection invalide.")
            return redirect("missions_convocations:index")
        run, plan = create_run(form.cleaned_data["session"], form.missions(), request.user)
        if not plan.ready:
            messages.warning(request, "Aucune mission prête : rien n'a été émis.")
        else:
            messages.success(request, f"Émission lancée : {len(plan.ready)} mission(s).")
        return redirect("missions_convocations:run", run.pk)


class ConvocationRunView(GestionnaireView, TemplateView):
    header_icon = "mail"
    template_name = "missions/admin/convocations/run.html"

    def get_page_title(self):
        return f"Émission n° {self.kwargs['pk']}"

    def get_breadcrumbs_items(self):
        index = {"url": reverse("missions_convocations:index"), "label": "Convocations"}
        return [*self.breadcrumbs_items, index, {"url": "", "label": self.get_page_title()}]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        run = get_object_or_404(
            ConvocationRun.objects.select_related("session"), pk=self.kwargs["pk"]
        )
        context["run"] = run
        context["documents"] = run.documents.select_related("intervenant")[:500]
        return context


class CancelRunView(GestionnaireView, View):
    def post(self, request, pk):
        run = get_object_or_404(ConvocationRun, pk=pk)
        if cancel_run(run):
            messages.success(
                request,
                "Annulation demandée : l'émission s'arrête après le lot d'intervenants en cours.",
            )
        else:
            messages.error(request, "Cette émission n'est plus en cours : rien à annuler.")
        return redirect("missions_convocations:run", pk)


class RunPdfView(GestionnaireView, View):
    def get(self, request, pk):
        run = get_object_or_404(ConvocationRun, pk=pk)
        if not run.merged_pdf:
            raise Http404
        return FileResponse(
            run.merged_pdf.open("rb"),
            content_type="application/pdf",
            filename=f"convocations-{run.pk}.pdf",
        )


class DocumentPdfView(GestionnaireView, View):
    def get(self, request, pk):
        document = get_object_or_404(
            ConvocationDocument.objects.select_related("intervenant"), pk=pk
        )
        return FileResponse(
            document.pdf.open("rb"),
            content_type="application/pdf",
            filename=f"convocation-{document.intervenant.identifier}.pdf",
        )


urlpatterns = [
    path("", ConvocationIndexView.as_view(), name="index"),
    path("simulation/", ConvocationPlanView.as_view(), name="plan"),
    path("<int:pk>/", ConvocationRunView.as_view(), name="run"),
    path("<int:pk>/annuler/", CancelRunView.as_view(), name="cancel"),
    path("<int:pk>/convocations.pdf", RunPdfView.as_view(), name="run_pdf"),
    path("documents/<int:pk>/", DocumentPdfView.as_view(), name="document"),
]


@hooks.register("register_admin_urls")
def register_urls():
    return [path("convocations/", include((urlpatterns, "missions_convocations")))]


class GestionnaireMenuItem(MenuItem):
    def is_shown(self, request):
        return is_gestionnaire(request.user)


@hooks.register("register_admin_menu_item")
def register_menu():
    return GestionnaireMenuItem(
        "Convocations", reverse("missions_convocations:index"), icon_name="mail", order=205
    )
