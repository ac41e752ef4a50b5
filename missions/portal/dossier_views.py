"""Mon dossier financier: bank details, vehicle, supporting documents, completeness."""

from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import redirect
from django.views import View
from django.views.generic import FormView

from missions.models import DossierFinancier
from missions.portal.access import IntervenantRequiredMixin
from missions.portal.forms import DossierForm
from missions.services.dossier import save_dossier

DOCUMENTS = {"rib": "rib_document", "identite": "id_document"}


class DossierView(IntervenantRequiredMixin, FormView):
    template_name = "missions/portal/dossier.html"
    form_class = DossierForm

    def get_dossier(self):
        dossier, _ = DossierFinancier.objects.get_or_create(intervenant=self.intervenant)
        return dossier

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["instance"] = self.get_dossier()
        return kwargs

    def form_valid(self, form):
        outcome = save_dossier(form, self.request.user)
        if outcome.bank_changed:
            messages.warning(
                self.request,
                "Vos coordonnées bancaires ont changé : la DEC les vérifiera avant le prochain "
                "paiement.",
            )
        messages.success(self.request, "Votre dossier financier est enregistré.")
        return redirect("portal:dossier")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["dossier"] = kwargs.get("form", context["form"]).instance
        context["intervenant"] = self.intervenant
        return context


class DossierDocumentView(IntervenantRequiredMixin, View):
    def get(self, request, document):
        if document not in DOCUMENTS:
            raise Http404
        dossier = DossierFinancier.objects.filter(intervenant=self.intervenant).first()
        file = getattr(dossier, DOCUMENTS[document], None) if dossier else None
        if not file:
            raise Http404
        extension = file.name[file.name.rfind(".") :] if "." in file.name else ""
        return FileResponse(file.open("rb"), as_attachment=True, filename=f"{document}{extension}")
