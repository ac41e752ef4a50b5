"""DEC control: the queue of parts in `service_fait` with their amounts and anomalies;
validate one or many, send back, reject or cancel with a reason; reopen late files."""

import datetime

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils import timezone
from django.views.generic import TemplateView
from wagtail import hooks

from ..enums import EDITABLE_STATUSES, Actor, PartNature, PartStatus
from ..models import Archipelago, Centre, EtatDeFrais, FeePart, Session, TravelLeg
from ..params import parse_date, parse_pk, pks
from ..services.anomalies import activity_medians, anomalies
from ..services.entry import EntryError, reopen_entry
from ..services.lifecycle import TransitionError, transition
from ..services.rulebook import RateBook
from .base import GestionnaireView
from .convocations import GestionnaireMenuItem

PER_PAGE = 50
DECISIONS = {"send_back": "Renvoyer pour correction", "reject": "Rejeter", "cancel": "Annuler"}


def filtered_parts(params, statuses):
    parts = FeePart.objects.filter(status__in=statuses)
    if session := parse_pk(params.get("session")):
        parts = parts.filter(etat__mission__session_id=session)
    if centre := parse_pk(params.get("centre")):
        parts = parts.filter(etat__mission__centre_id=centre)
    if params.get("nature") in PartNature.values:
        parts = parts.filter(nature=params["nature"])
    if archipelago := parse_pk(params.get("archipel")):
        parts = parts.filter(etat__mission__centre__island__archipelago_id=archipelago)
    return parts


class ControlView(GestionnaireView, TemplateView):
    page_title = "Contrôle DEC"
    header_icon = "doc-full"
    template_name = "missions/admin/control.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        params = self.request.GET
        late = params.get("vue") == "retard"
        statuses = EDITABLE_STATUSES if late else [PartStatus.SERVICE_FAIT]
        parts = filtered_parts(params, statuses)
        if late:
            today = timezone.localdate()
            parts = parts.filter(etat__mission__session__entry_deadline__lt=today).exclude(
                etat__deadline_override__gte=today
            )
        parts = (
            parts.with_mission()
            .select_related(
                "etat__mission__intervenant__dossier",
                "etat__mission__session__exam__rate_group",
                "etat__mission__rate_group",
            )
            .prefetch_related(
                Prefetch(
                    "travellegs",
                    TravelLeg.objects.select_related("from_commune__island", "to_commune"),
                ),
                "worklines",
                "meallines",
                "nightlines",
            )
            .order_by("etat__mission__start_date", "pk")
        )
        page = Paginator(parts, PER_PAGE).get_page(params.get("page"))
        rows = list(page.object_list)
        sessions = {row.etat.mission.session_id for row in rows}
        flags = (
            anomalies(rows, activity_medians(sessions), RateBook.load())
            if rows and not late
            else {}
        )
        if params.get("anomalies") == "1":
            rows = [row for row in rows if row.pk in flags]
        context.update(
            rows=[(row, flags.get(row.pk, [])) for row in rows],
            page=page,
            late=late,
            params=params,
            decisions=DECISIONS,
            sessions=Session.objects.all(),
            centres=Centre.objects.all(),
            archipelagos=Archipelago.objects.all(),
            natures=PartNature.choices,
            default_reopen=timezone.localdate() + datetime.timedelta(days=15),
        )
        return context

    def post(self, request, *args, **kwargs):
        action = request.POST.get("action")
        if action == "control_selected":
            self.control_selected(request)
        elif action in DECISIONS:
            part = get_object_or_404(FeePart, pk=parse_pk(request.POST.get("part")))
            try:
                transition(
                    part,
                    action,
                    actor=Actor.GESTIONNAIRE,
                    user=request.user,
                    reason=request.POST.get("reason", ""),
                )
                messages.success(request, f"{DECISIONS[action]} : {part}.")
            except TransitionError as error:
                messages.error(request, str(error))
        elif action == "reopen":
            etat = get_object_or_404(
                EtatDeFrais.objects.select_related("mission__session"),
                pk=parse_pk(request.POST.get("etat")),
            )
            until = parse_date(request.POST.get("until"))
            if until is None:
                messages.error(
                    request, "Date de réouverture invalide (format attendu : AAAA-MM-JJ)."
                )
            else:
                try:
                    reopen_entry(etat, until, request.user)
                    messages.success(request, f"Saisie rouverte jusqu'au {until:%d/%m/%Y}.")
                except EntryError as error:
                    messages.error(request, str(error))
        return redirect(f"{reverse('missions_control')}?{request.GET.urlencode()}")

    @staticmethod
    def control_selected(request):
        ids = pks(request.POST.getlist("parts"))
        done, errors = 0, []
        for part in FeePart.objects.filter(pk__in=ids):
            try:
                transition(part, "control", actor=Actor.GESTIONNAIRE, user=request.user)
                done += 1
            except TransitionError as error:
                errors.append(str(error))
        if done:
            messages.success(request, f"{done} partie(s) validée(s).")
        for error in errors:
            messages.error(request, error)
        if not ids:
            messages.warning(request, "Cochez au moins une ligne.")


@hooks.register("register_admin_urls")
def register_urls():
    return [path("controle/", ControlView.as_view(), name="missions_control")]


@hooks.register("register_admin_menu_item")
def register_menu():
    return GestionnaireMenuItem(
        "Contrôle DEC", reverse("missions_control"), icon_name="doc-full", order=204
    )
