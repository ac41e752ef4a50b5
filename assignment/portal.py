"""The intervenant's unavailability, in the portal (/espace/indisponibilites/)."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.urls import path
from django.utils import timezone
from django.views import View
from django.views.generic import FormView

from assignment.models import EnteredBy, Period, Unavailability
from assignment.services.availability import declare
from imagin_site.common.forms import BaseForm
from missions.portal.access import IntervenantRequiredMixin


class UnavailabilityForm(BaseForm):
    start_date = forms.DateField(label="Du", widget=forms.DateInput(attrs={"type": "date"}))
    end_date = forms.DateField(
        label="Au", widget=forms.DateInput(attrs={"type": "date"}), help_text="Inclus."
    )
    period = forms.ChoiceField(label="Période", choices=Period.choices, initial=Period.DAY)
    reason = forms.CharField(label="Motif", max_length=200, required=False)

    def clean(self):
        data = super().clean()
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", "La fin précède le début.")
        if start and start < timezone.localdate():
            self.add_error("start_date", "Cette date est passée.")
        return data


class UnavailabilityView(IntervenantRequiredMixin, FormView):
    template_name = "assignment/portal/unavailability.html"
    form_class = UnavailabilityForm

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            declare(
                self.intervenant,
                data["start_date"],
                data["end_date"],
                data["period"],
                data["reason"],
                EnteredBy.INTERVENANT,
                self.request.user,
            )
        except ValidationError as error:
            form.add_error(None, error.messages[0])
            return self.form_invalid(form)
        messages.success(self.request, "Votre indisponibilité est enregistrée.")
        return redirect("assignment_portal:unavailability")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["absences"] = Unavailability.objects.filter(
            intervenant=self.intervenant, end_date__gte=timezone.localdate()
        )
        return context


class DeleteView(IntervenantRequiredMixin, View):
    def post(self, request, pk):
        absence = get_object_or_404(
            Unavailability, pk=pk, intervenant=self.intervenant, entered_as=EnteredBy.INTERVENANT
        )
        absence.delete()
        messages.success(request, "Indisponibilité supprimée.")
        return redirect("assignment_portal:unavailability")


app_name = "assignment_portal"
urlpatterns = [
    path("", UnavailabilityView.as_view(), name="unavailability"),
    path("<int:pk>/supprimer/", DeleteView.as_view(), name="delete"),
]
