"""The chef d'établissement's screen: their staff's missions, competences and
unavailability, which they enter for the DEC's assignment."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect
from django.urls import include, path
from django.utils import timezone
from django.views.generic import TemplateView, View

from assignment.models import Competence, EnteredBy, Period, Unavailability
from assignment.permissions import is_chef_etablissement, manages, staff_of
from assignment.services.availability import declare
from missions.backoffice.views.base import StaffView
from missions.models import Activity, Intervenant, Mission

MAX_STAFF = 300


def staff_queryset(user):
    return Intervenant.objects.filter(pk__in=staff_of(user)).order_by("last_name", "first_name")


class CompetenceForm(forms.Form):
    intervenant = forms.ModelChoiceField(Intervenant.objects.none(), label="Personnel")
    activity = forms.ModelChoiceField(Activity.objects.all(), label="Type de mission")
    epreuve = forms.CharField(
        label="Épreuve", required=False, max_length=200, help_text="Vide : toutes les épreuves."
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["intervenant"].queryset = staff_queryset(user)


class UnavailabilityForm(forms.Form):
    intervenant = forms.ModelChoiceField(Intervenant.objects.none(), label="Personnel")
    start_date = forms.DateField(label="Du", widget=forms.DateInput(attrs={"type": "date"}))
    end_date = forms.DateField(label="Au", widget=forms.DateInput(attrs={"type": "date"}))
    period = forms.ChoiceField(label="Période", choices=Period.choices, initial=Period.DAY)
    reason = forms.CharField(label="Motif", required=False, max_length=200)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["intervenant"].queryset = staff_queryset(user)

    def clean(self):
        data = super().clean()
        if (
            data.get("start_date")
            and data.get("end_date")
            and data["end_date"] < data["start_date"]
        ):
            self.add_error("end_date", "La fin précède le début.")
        return data


class SchoolStaffMixin(StaffView):
    def allowed(self, user):
        return is_chef_etablissement(user)


class SchoolView(SchoolStaffMixin, TemplateView):
    page_title = "Mon établissement"
    header_icon = "group"
    template_name = "assignment/admin/school.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        today = timezone.localdate()
        staff = staff_queryset(user).prefetch_related(
            Prefetch("competences", Competence.objects.select_related("activity")),
            Prefetch("unavailabilities", Unavailability.objects.filter(end_date__gte=today)),
            Prefetch(
                "missions",
                Mission.objects.filter(end_date__gte=today)
                .select_related("centre", "activity")
                .order_by("start_date"),
                to_attr="upcoming",
            ),
        )[:MAX_STAFF]
        context.update(
            staff=staff,
            competence_form=kwargs.get("competence_form") or CompetenceForm(user=user),
            unavailability_form=kwargs.get("unavailability_form") or UnavailabilityForm(user=user),
        )
        return context


class AddCompetenceView(SchoolView):
    def post(self, request):
        form = CompetenceForm(request.POST, user=request.user)
        if form.is_valid():
            data = form.cleaned_data
            try:
                with transaction.atomic():
                    Competence.objects.create(
                        intervenant=data["intervenant"],
                        activity=data["activity"],
                        epreuve=data["epreuve"].strip(),
                        entered_by=request.user,
                    )
                messages.success(request, "Compétence enregistrée.")
            except IntegrityError:
                messages.error(request, "Cette compétence est déjà enregistrée.")
            return redirect("assignment_school:index")
        return self.render_to_response(self.get_context_data(competence_form=form))


class AddUnavailabilityView(SchoolView):
    def post(self, request):
        form = UnavailabilityForm(request.POST, user=request.user)
        if form.is_valid():
            data = form.cleaned_data
            try:
                declare(
                    data["intervenant"],
                    data["start_date"],
                    data["end_date"],
                    data["period"],
                    data["reason"],
                    EnteredBy.SCHOOL,
                    request.user,
                )
                messages.success(request, "Indisponibilité enregistrée.")
                return redirect("assignment_school:index")
            except ValidationError as error:
                form.add_error(None, error.messages[0])
        return self.render_to_response(self.get_context_data(unavailability_form=form))


class DeleteView(SchoolStaffMixin, View):
    models = {"competence": Competence, "indisponibilite": Unavailability}

    def post(self, request, kind, pk):
        model = self.models.get(kind)
        if model is None:
            return redirect("assignment_school:index")
        row = get_object_or_404(model.objects.select_related("intervenant"), pk=pk)
        if not manages(request.user, row.intervenant):
            return get_object_or_404(model.objects.none(), pk=pk)  # 404, as for any other id
        row.delete()
        messages.success(request, "Supprimé.")
        return redirect("assignment_school:index")


urlpatterns = [
    path("", SchoolView.as_view(), name="index"),
    path("competences/", AddCompetenceView.as_view(), name="add_competence"),
    path("indisponibilites/", AddUnavailabilityView.as_view(), name="add_unavailability"),
    path("<slug:kind>/<int:pk>/supprimer/", DeleteView.as_view(), name="delete"),
]
admin_urls = [path("etablissement/", include((urlpatterns, "assignment_school")))]
