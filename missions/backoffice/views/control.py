"""DEC control: the queue of parts in `service_fait` with their amounts and anomalies;
validate one or many, send back, reject or cancel with a reason; reopen late files."""

import datetime
import re
from collections import Counter
from html import escape

from django.contrib import messages
from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Prefetch
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.generic import TemplateView
from wagtail import hooks

from imagin_site.common.params import parse_date, parse_pk, pks
from missions.backoffice.listing import BoundedPaginator
from missions.backoffice.views.base import GestionnaireView
from missions.backoffice.views.convocations import GestionnaireMenuItem
from missions.backoffice.views.documents import dossier_document_url, receipt_url
from missions.enums import EDITABLE_STATUSES, Actor, PartNature, PartStatus
from missions.models import Archipelago, Centre, EtatDeFrais, FeePart, Session, TravelLeg
from missions.money import format_xpf
from missions.services.anomalies import anomalies, kept_activity_medians
from missions.services.entry import EntryError, reopen_entry
from missions.services.lifecycle import TransitionError, transition
from missions.services.rulebook import RateBook
from missions.templatetags.missions_tags import receipt_lines

PER_PAGE = 50
DECISIONS = {"send_back": "Renvoyer pour correction", "reject": "Rejeter", "cancel": "Annuler"}


class QueueFilters:
    """The parts of the control queue that the page's filters keep, as two querysets of
    the same rows: `listed` goes through the missions, which the page's walk in mission
    date order reads cheaply; `counted` reads the parts' own copies of their mission's
    session and centre, which the page's count needs without joining three 200,000-row
    tables (late files: 61 → 8 ms at 200,000 missions)."""

    def __init__(self, params, statuses, *, late_on=None):
        self.listed = FeePart.objects.filter(status__in=statuses)
        self.counted = self.listed
        if session := parse_pk(params.get("session")):
            self._keep(etat__mission__session_id=session, session_id=session)
        if centre := parse_pk(params.get("centre")):
            self._keep(etat__mission__centre_id=centre, centre_id=centre)
        if params.get("nature") in PartNature.values:
            self._keep(nature=params["nature"])
        if archipelago := parse_pk(params.get("archipel")):
            centres = Centre.objects.filter(island__archipelago_id=archipelago).values("pk")
            self._keep(etat__mission__centre__in=centres, centre_id__in=centres)
        if late_on:
            # Sessions past their entry deadline, but for the files the DEC reopened until
            # that day or later (a few: a small subquery on their own index).
            past = Session.objects.filter(entry_deadline__lt=late_on).values_list("pk", flat=True)
            past = list(past)
            reopened = EtatDeFrais.objects.filter(deadline_override__gte=late_on).values("pk")
            self._keep(etat__mission__session_id__in=past, session_id__in=past)
            self.listed = self.listed.exclude(etat__deadline_override__gte=late_on)
            self.counted = self.counted.exclude(etat_id__in=reopened)

    def _keep(self, **lookups):
        """One filter, given as {through the mission: ..., on the copy: ...}; a lookup on
        the part's own column (nature) is given once and serves both."""
        listed = {key: value for key, value in lookups.items() if key.startswith("etat__")}
        counted = {key: value for key, value in lookups.items() if key not in listed}
        self.listed = self.listed.filter(**(listed or counted))
        self.counted = self.counted.filter(**counted)


def with_details(parts):
    """Parts with what the queue shows and the anomaly checks read."""
    return (
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
            # Receipts linked from the row, and today's computation of the amounts.
            "worklines",
            "meallines",
            "nightlines",
        )
    )


def page_of(parts, number, counted=None):
    """(page, its parts with their details) in mission date order, a mission's parts
    together. The page's ids come from a lean query that walks the missions' (start_date,
    id) index; only those 50 parts are then loaded with their ten related tables (one wide
    query over the whole queue took longer to plan than to run). The mission id in the
    order lets the walk stop after the page: ordered by date then part id, it read every
    mission of the first day (thousands) before sorting."""
    ordered = parts.order_by("etat__mission__start_date", "etat__mission_id", "pk")
    ordered = ordered.values_list("pk", flat=True)
    # Counted up to MAX_COUNTED_ROWS, as the listings: late files can be tens of thousands.
    page = BoundedPaginator(ordered, PER_PAGE, counted=counted).get_page(number)
    ids = list(page.object_list)
    loaded = with_details(FeePart.objects.filter(pk__in=ids)).in_bulk()
    return page, [loaded[pk] for pk in ids]


TICKET = re.compile(r"^Billet (du .+ sans justificatif)\.$")


def merged(warnings):
    """Identical warnings once, counted: "2 billets du 17/06/2026 sans justificatif."."""
    merged_warnings = []
    for warning, count in Counter(warnings).items():
        if count == 1:
            merged_warnings.append(warning)
        elif ticket := TICKET.match(warning):
            merged_warnings.append(f"{count} billets {ticket.group(1)}.")
        else:
            merged_warnings.append(f"{warning} (× {count})")
    return merged_warnings


def flags_of(parts):
    """{part id: [merged French warnings]}."""
    sessions = {part.etat.mission.session_id for part in parts}
    found = anomalies(parts, kept_activity_medians(sessions), RateBook.load())
    return {pk: merged(warnings) for pk, warnings in found.items()}


def documents_html(part, dossier):
    """The row's document links: the part's receipts, then the dossier's RIB and ID."""
    links = [
        f'<li><a href="{escape(receipt_url(line))}" target="_blank" rel="noopener" '
        f'data-document="justificatif">Justificatif : {escape(str(line))}</a></li>'
        for line in receipt_lines(part)
    ]
    if rib := dossier_document_url(dossier, "rib"):
        links.append(
            f'<li><a href="{escape(rib)}" target="_blank" rel="noopener" data-document="rib">'
            "RIB</a></li>"
        )
    if identity := dossier_document_url(dossier, "identite"):
        links.append(
            f'<li><a href="{escape(identity)}" target="_blank" rel="noopener" '
            'data-document="identite">Pièce d\'identité</a></li>'
        )
    return f'<ul class="row-documents">{"".join(links)}</ul>'


def row_html(part, flags, late, csrf_token, default_reopen):
    """One row of the queue (a <tr>), what the template's loop wrote: built here, where the
    template's lookups, filters and include for 50 rows were most of the page's time.
    Every value escaped as the template escaped it."""
    mission = part.etat.mission
    person, activity, centre = mission.intervenant, mission.activity, mission.centre
    try:
        dossier = person.dossier
    except ObjectDoesNotExist:
        dossier = None
    csrf = f'<input type="hidden" name="csrfmiddlewaretoken" value="{escape(csrf_token)}">'
    inspect = reverse("wagtailsnippets_missions_mission:inspect", args=[mission.pk])
    select = ""
    if late:
        deadline = part.etat.entry_deadline
        checks = f"{deadline:%d/%m/%Y}" if deadline else ""
        decision = (
            f'<form method="post">{csrf}<input type="hidden" name="action" value="reopen">'
            f'<input type="hidden" name="etat" value="{part.etat_id}">'
            "<label>Rouvrir jusqu'au "
            f'<input type="date" name="until" value="{default_reopen:%Y-%m-%d}" required>'
            '</label> <button class="button button-small" type="submit">Rouvrir</button></form>'
        )
    else:
        select = (
            f'<td><input type="checkbox" name="parts" value="{part.pk}" form="bulk-control" '
            'data-action="w-bulk#toggle" data-w-bulk-target="item" '
            f'aria-label="Sélectionner {escape(str(part))}"></td>'
        )
        checks = (
            "".join(
                f'<span class="status-tag primary">⚠</span> {escape(flag)}<br>' for flag in flags
            )
            or "—"
        )
        options = "".join(
            f'<option value="{escape(value)}">{escape(label)}</option>'
            for value, label in DECISIONS.items()
        )
        decision = (
            '<details class="control-decision"><summary>Autre décision</summary>'
            f'<form method="post">{csrf}<input type="hidden" name="part" value="{part.pk}">'
            f'<label>Décision <select name="action">{options}</select></label> '
            "<label>Motif (obligatoire) "
            '<input type="text" name="reason" required maxlength="500"></label> '
            '<button class="button button-small button-secondary" type="submit">Appliquer'
            "</button></form></details>"
        )
    return mark_safe(  # noqa: S308 (every value escaped above)
        f"<tr>{select}"
        f"<td>{escape(person.full_name)}<br><small>{escape(person.identifier)}</small>"
        f"{documents_html(part, dossier)}</td>"
        f'<td><a href="{inspect}">{escape(mission.epreuve or activity.name)}</a><br><small>'
        f"{escape(activity.name)} — {escape(centre.name)} ({escape(centre.island.name)}), "
        f"{mission.start_date:%d/%m/%Y}</small></td>"
        f"<td>{escape(part.get_nature_display())}<br>"
        f"<small>{escape(part.get_status_display())}</small></td>"
        f"<td>{escape(format_xpf(part.amount or 0))}</td>"
        f"<td>{checks}</td><td>{decision}</td></tr>"
    )


class ControlView(GestionnaireView, TemplateView):
    page_title = "Contrôle DEC"
    header_icon = "doc-full"
    template_name = "missions/admin/control.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        params = self.request.GET
        late = params.get("vue") == "retard"
        statuses = EDITABLE_STATUSES if late else [PartStatus.SERVICE_FAIT]
        queue = QueueFilters(params, statuses, late_on=timezone.localdate() if late else None)
        page, rows = page_of(queue.listed, params.get("page"), counted=queue.counted)
        flags = flags_of(rows) if rows and not late else {}
        if params.get("anomalies") == "1":
            rows = [row for row in rows if row.pk in flags]
        rows = [(row, flags.get(row.pk, [])) for row in rows]
        csrf_token = get_token(self.request)
        default_reopen = timezone.localdate() + datetime.timedelta(days=15)
        context.update(
            rows=rows,
            rows_html=[
                row_html(part, warnings, late, csrf_token, default_reopen)
                for part, warnings in rows
            ],
            page=page,
            late=late,
            params=params,
            decisions=DECISIONS,
            sessions=Session.objects.all(),
            centres=Centre.objects.all(),
            archipelagos=Archipelago.objects.all(),
            natures=PartNature.choices,
            default_reopen=default_reopen,
        )
        return context

    def post(self, request, *args, **kwargs):
        action = request.POST.get("action")
        if action == "control_selected":
            flagged = self.unconfirmed_anomalies(request)
            if flagged:
                return TemplateResponse(
                    request,
                    "missions/admin/control_confirm.html",
                    {
                        **self.get_context_data(),
                        "flagged": flagged,
                        "part_ids": request.POST.getlist("parts"),
                        "query": request.GET.urlencode(),
                    },
                )
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
    def unconfirmed_anomalies(request):
        """[(part, warnings)] of the selected parts that carry anomalies, unless the
        gestionnaire already confirmed."""
        if request.POST.get("confirm") == "1":
            return []
        ids = [int(i) for i in request.POST.getlist("parts") if i.isdigit()]
        parts = list(with_details(FeePart.objects.filter(pk__in=ids)).order_by("pk"))
        flags = flags_of(parts) if parts else {}
        return [(part, flags[part.pk]) for part in parts if part.pk in flags]

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
