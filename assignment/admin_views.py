"""The DEC's assignment screen: compute a proposal for a session, read why each person was
chosen, accept, pin, swap, and go on to the convocations."""

from django import forms
from django.contrib import messages
from django.db.models import Count, F, Max, Min, Prefetch
from django.shortcuts import get_object_or_404, redirect
from django.urls import include, path, reverse
from django.utils import timezone
from django.views.generic import TemplateView, View

from assignment.models import Need, Proposal, SolveRun
from assignment.services import proposals
from assignment.services.runs import start_solve
from missions.backoffice.views.base import GestionnaireView
from missions.models import Intervenant, Session

MAX_NEEDS_SHOWN = 300


class SessionChoice(forms.ModelChoiceField):
    def label_from_instance(self, session):
        if not session.need_count:
            return f"{session} — aucun besoin saisi"
        first = f"{session.first_need:%d/%m/%Y}"
        return f"{session} — {session.need_count} besoin(s) à partir du {first}"


class SessionForm(forms.Form):
    session = SessionChoice(Session.objects.none(), label="Session")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        sessions = sessions_to_staff()
        self.fields["session"].queryset = sessions
        # The session a gestionnaire most likely came for: the next one with needs.
        upcoming = [s for s in sessions if s.need_count and s.last_need >= timezone.localdate()]
        if upcoming:
            self.fields["session"].initial = upcoming[0].pk


def sessions_to_staff():
    """Sessions with needs first, the soonest first; then the others, by name."""
    return Session.objects.annotate(
        need_count=Count("needs"), first_need=Min("needs__date"), last_need=Max("needs__date")
    ).order_by(F("first_need").asc(nulls_last=True), "name")


class IndexView(GestionnaireView, TemplateView):
    page_title = "Affectation"
    header_icon = "group"
    template_name = "assignment/admin/index.html"

    def get(self, request, *args, **kwargs):
        form = SessionForm(request.GET or None)
        if form.is_valid():
            return redirect("assignment_admin:session", form.cleaned_data["session"].pk)
        return self.render_to_response(self.get_context_data(form=form))


class SessionView(GestionnaireView, TemplateView):
    header_icon = "group"
    template_name = "assignment/admin/session.html"

    def get_page_title(self):
        return f"Affectation — {self.session}"

    def dispatch(self, request, *args, **kwargs):
        self.session = get_object_or_404(Session, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        index = {"url": reverse("assignment_admin:index"), "label": "Affectation"}
        return [*self.breadcrumbs_items, index, {"url": "", "label": str(self.session)}]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        only_uncovered = self.request.GET.get("filtre") == "non-couverts"
        needs = list(
            Need.objects.for_session(self.session)
            .select_related("centre__island")
            .prefetch_related(
                Prefetch(
                    "proposals",
                    Proposal.objects.select_related(
                        "intervenant__home_commune", "mission"
                    ).order_by("-pinned", "intervenant__last_name"),
                )
            )
        )
        rows = [(need, list(need.proposals.all())) for need in needs]
        uncovered = [(need, found) for need, found in rows if len(found) < need.people_needed]
        shown = uncovered if only_uncovered else rows
        context.update(
            session=self.session,
            run=SolveRun.objects.filter(session=self.session).first(),
            rows=shown[:MAX_NEEDS_SHOWN],
            truncated=len(shown) > MAX_NEEDS_SHOWN,
            total_needs=len(rows),
            uncovered_count=len(uncovered),
            places=sum(need.people_needed for need in needs),
            proposed=sum(len(found) for _, found in rows),
            estimated_cost=sum(p.estimated_cost for _, found in rows for p in found),
            only_uncovered=only_uncovered,
        )
        return context


class SessionActionView(GestionnaireView, View):
    """POST actions on a session: solve, accept all."""

    def post(self, request, pk, action):
        session = get_object_or_404(Session, pk=pk)
        try:
            if action == "calculer":
                start_solve(session, request.user)
                messages.success(request, "Calcul lancé : la page se met à jour toute seule.")
            elif action == "tout-accepter":
                count = proposals.accept_all(session, request.user)
                messages.success(
                    request, f"{count} proposition(s) acceptée(s) : missions prêtes à convoquer."
                )
        except proposals.AssignmentError as error:
            messages.error(request, str(error))
        return redirect("assignment_admin:session", pk)


class ProposalActionView(GestionnaireView, View):
    """POST actions on one proposal: accept, pin, unpin."""

    def post(self, request, pk, action):
        proposal = get_object_or_404(Proposal.objects.select_related("need"), pk=pk)
        try:
            if action == "accepter":
                proposals.accept(proposal, request.user)
                messages.success(request, f"Mission créée pour {proposal.intervenant.full_name}.")
            elif action == "epingler":
                Proposal.objects.filter(pk=pk).update(pinned=True)
                messages.success(request, "Proposition épinglée : un nouveau calcul la garde.")
            elif action == "desepingler":
                proposals.unpin(proposal)
                messages.success(request, "Proposition désépinglée.")
        except proposals.AssignmentError as error:
            messages.error(request, str(error))
        return redirect("assignment_admin:session", proposal.need.session_id)


class PinForm(forms.Form):
    identifier = forms.CharField(label="Identifiant de l'intervenant", max_length=20)
    replace = forms.ModelChoiceField(Proposal.objects.all(), required=False)

    def clean_identifier(self):
        identifier = self.cleaned_data["identifier"].strip().upper()
        person = Intervenant.objects.filter(identifier=identifier).first()
        if person is None:
            raise forms.ValidationError(f"Aucun intervenant n'a l'identifiant « {identifier} ».")
        return person


class PinView(GestionnaireView, View):
    """Pin a person to a need, or swap them for one of its proposals."""

    def post(self, request, pk):
        need = get_object_or_404(Need.objects.select_related("centre", "session"), pk=pk)
        form = PinForm(request.POST)
        if not form.is_valid():
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, error)
            return redirect("assignment_admin:session", need.session_id)
        person, replaced = form.cleaned_data["identifier"], form.cleaned_data["replace"]
        try:
            if replaced is not None and replaced.need_id == need.pk:
                proposals.swap(replaced, person)
            else:
                proposals.pin(need, person)
            messages.success(request, f"{person.full_name} épinglé(e) sur ce besoin.")
        except proposals.AssignmentError as error:
            messages.error(request, str(error))
        return redirect("assignment_admin:session", need.session_id)


urlpatterns = [
    path("", IndexView.as_view(), name="index"),
    path("session/<int:pk>/", SessionView.as_view(), name="session"),
    path("session/<int:pk>/<slug:action>/", SessionActionView.as_view(), name="session_action"),
    path("proposition/<int:pk>/<slug:action>/", ProposalActionView.as_view(), name="proposal"),
    path("besoin/<int:pk>/epingler/", PinView.as_view(), name="pin"),
]

admin_urls = [path("affectation/", include((urlpatterns, "assignment_admin")))]
