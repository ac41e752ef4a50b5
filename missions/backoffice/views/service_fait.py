"""Service fait: a chef de centre sees, per day and épreuve, the missions of their centres
with the declared quantities, attests them one by one or all at once, corrects a quantity
with a comment, or sends a file back with a reason. Gestionnaires see every centre."""

from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal
from html import escape

from django.contrib import messages
from django.db.models import Exists, F, OuterRef
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.safestring import mark_safe
from django.views.generic import TemplateView
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from imagin_site.common.params import parse_date, parse_pk, pks
from missions.backoffice.any_of import AnyOf
from missions.backoffice.views.base import CentreStaffView
from missions.enums import Actor, PartNature, PartStatus
from missions.models import Centre, FeePart, Mission, Session, WorkLine
from missions.money import format_xpf
from missions.permissions import is_chef_de_centre, is_gestionnaire
from missions.services.attestation import (
    AttestationError,
    attest,
    attest_many,
    parse_quantity,
    send_back,
)

MAX_ROWS = 400
# The columns the rows show (and str(mission)): 400 rows of four whole objects took longer
# to build than the query.
ROW_FIELDS = (
    "start_date",
    "epreuve",
    "expected_quantity",
    "intervenant__civility",
    "intervenant__first_name",
    "intervenant__last_name",
    "intervenant__usage_name",
    "intervenant__identifier",
    "activity__name",
    "activity__unit",
    "centre__name",
)


def quantity_text(value):
    """A quantity as `floatformat:"-2"` shows it in French: "40", "12,50". Made here for
    the up to 400 rows of the screen, where the filter was a good part of the rendering."""
    value = Decimal(value)
    if value == value.to_integral_value():
        return str(int(value))
    return str(value.quantize(Decimal("0.01"), ROUND_HALF_UP)).replace(".", ",")


def statuses_html(parts):
    """ "Rémunération : Validé (1 000 XPF)<br>" per part, as one piece of HTML. Plain
    html.escape (what Django's escape does, without its lazy-string checks): format_html_join
    was a tenth of the rendering of 400 rows."""
    return mark_safe(  # noqa: S308 (every value escaped here)
        "".join(
            f"{escape(part.get_nature_display())} : {escape(part.get_status_display())}"
            f"{f' ({escape(format_xpf(part.amount))})' if part.amount else ''}<br>"
            for part in parts
        )
    )


def row_html(row, csrf_token):
    """One row of the screen (a <tr>), what the template's loop wrote: built here for the up
    to 400 rows, where the template's variable lookups and tags were most of the page's
    time. Every value escaped as the template escaped it."""
    mission, person, activity = row["mission"], row["mission"].intervenant, row["mission"].activity
    pk, name = mission.pk, escape(person.full_name)
    csrf = f'<input type="hidden" name="csrfmiddlewaretoken" value="{escape(csrf_token)}">'
    select = actions = ""
    if row["waiting"]:
        select = (
            f'<input type="checkbox" name="missions" value="{pk}" form="bulk-form" '
            f'aria-label="Sélectionner {name}">'
        )
        lines = "".join(
            f"<label>Quantité attestée ({line.date:%d/%m}, déclaré {quantity_text(line.quantity)})"
            f' <input type="text" inputmode="decimal" name="quantity-{line.pk}"'
            f' value="{quantity_text(line.quantity)}" size="6"></label><br>'
            for line in row["lines"]
        )
        actions = (
            "<details><summary>Corriger ou renvoyer</summary>"
            f'<form method="post">{csrf}<input type="hidden" name="action" value="attest_one">'
            f'<input type="hidden" name="mission" value="{pk}">{lines}'
            "<label>Commentaire (obligatoire si vous corrigez) "
            '<input type="text" name="comment" maxlength="300"></label> '
            '<button class="button button-small" type="submit">'
            "Attester avec ces quantités</button></form>"
            f'<form method="post">{csrf}<input type="hidden" name="action" value="send_back">'
            f'<input type="hidden" name="mission" value="{pk}">'
            '<label>Motif du renvoi <input type="text" name="reason" required maxlength="500">'
            "</label> "
            '<button class="button button-small button-secondary" type="submit">'
            "Renvoyer à l'intervenant</button></form></details>"
        )
    return mark_safe(  # noqa: S308 (every value escaped above)
        f"<tr><td>{select}</td>"
        f"<td>{name}<br><small>{escape(person.identifier)}</small></td>"
        f"<td>{escape(activity.name)}<br><small>{escape(mission.centre.name)}</small></td>"
        f"<td>{row['declared_text']} {escape(activity.get_unit_display())}(s)<br>"
        f"<small>prévu : {row['expected_text']}</small></td>"
        f"<td>{row['statuses']}</td><td>{actions}</td></tr>"
    )


def parts_and_lines(missions):
    """({mission id: {nature: part}}, {remuneration part id: [work lines]}) of the page's
    missions in two queries: the parts (remuneration first), then the remuneration parts'
    lines. Plain dicts, where prefetching états, parts and lines for up to 400 missions
    cost more than the queries themselves."""
    parts_of, lines_of = defaultdict(dict), defaultdict(list)
    # The ids as one array (AnyOf), the parts with the columns the rows show only.
    parts = (
        FeePart.objects.filter(AnyOf(F("etat__mission_id"), [mission.pk for mission in missions]))
        .annotate(mission_pk=F("etat__mission_id"))
        .only("etat_id", "nature", "status", "amount")
        .order_by("-nature")
    )
    for part in parts:
        parts_of[part.mission_pk][part.nature] = part
    paid_for_work = [
        found[PartNature.REMUNERATION].pk
        for found in parts_of.values()
        if PartNature.REMUNERATION in found
    ]
    lines = WorkLine.objects.filter(AnyOf(F("part_id"), paid_for_work))
    for line in lines.only("part_id", "date", "quantity"):
        lines_of[line.part_id].append(line)
    return parts_of, lines_of


def actor_for(user):
    return Actor.GESTIONNAIRE if is_gestionnaire(user) else Actor.CHEF_DE_CENTRE


class ServiceFaitView(CentreStaffView, TemplateView):
    page_title = "Service fait"
    header_icon = "tick-inverse"
    template_name = "missions/admin/service_fait.html"

    def missions(self):
        params = self.request.GET
        # What the rows show, no more: 400 rows of ten related objects each cost more to
        # build than the query took.
        missions = (
            Mission.objects.visible_to(self.request.user)
            .issued()
            .select_related("intervenant", "activity", "centre")
            .only(*ROW_FIELDS)
        )
        if centre := parse_pk(params.get("centre")):
            missions = missions.filter(centre_id=centre)
        if session := parse_pk(params.get("session")):
            missions = missions.filter(session_id=session)
        if day := parse_date(params.get("date")):
            missions = missions.filter(start_date__lte=day, end_date__gte=day)
        if params.get("vue") != "tous":
            # EXISTS, not a join: each mission once without a DISTINCT over every column.
            waiting = FeePart.objects.filter(
                etat__mission=OuterRef("pk"), status=PartStatus.VALIDATED_BY_INTERVENANT
            )
            missions = missions.filter(Exists(waiting))
        return missions.order_by(
            # pk last: namesakes in a stable order (the DISTINCT used to sort on it too).
            "start_date",
            "epreuve",
            "intervenant__last_name",
            "pk",
        )[:MAX_ROWS]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        rows = []
        csrf_token = get_token(self.request)
        missions = list(self.missions())
        parts_of, lines_of = parts_and_lines(missions)
        for mission in missions:
            parts = parts_of[mission.pk]
            remuneration = parts.get(PartNature.REMUNERATION)
            lines = lines_of[remuneration.pk] if remuneration else []
            declared = sum((line.quantity for line in lines), Decimal(0))
            rows.append(
                {
                    "mission": mission,
                    "parts": list(parts.values()),
                    "statuses": statuses_html(parts.values()),
                    "lines": lines,
                    "declared": declared,
                    "declared_text": quantity_text(declared),
                    "expected_text": quantity_text(mission.expected_quantity),
                    "waiting": any(
                        p.status == PartStatus.VALIDATED_BY_INTERVENANT for p in parts.values()
                    ),
                }
            )
            rows[-1]["html"] = row_html(rows[-1], csrf_token)
        user = self.request.user
        centres = Centre.objects.all() if is_gestionnaire(user) else Centre.objects.for_chef(user)
        context.update(
            rows=rows,
            max_rows=MAX_ROWS,
            centres=centres,
            # EXISTS per session (the (session, centre) index), not a join of every mission.
            sessions=Session.objects.filter(
                Exists(Mission.objects.filter(session=OuterRef("pk"), centre__in=centres))
            ),
            params=self.request.GET,
        )
        return context

    def post(self, request, *args, **kwargs):
        action = request.POST.get("action")
        visible = Mission.objects.visible_to(request.user).issued().select_related("etat")
        actor = actor_for(request.user)
        if action == "attest_selected":
            ids = pks(request.POST.getlist("missions"))
            done, failed = attest_many(visible.filter(pk__in=ids), request.user, actor)
            if done:
                messages.success(request, f"Service fait attesté pour {len(done)} mission(s).")
            for mission, error in failed:
                messages.error(request, f"{mission} : {error}")
            if not ids:
                messages.warning(request, "Cochez au moins une mission.")
        elif action in ("attest_one", "send_back"):
            mission = get_object_or_404(visible, pk=parse_pk(request.POST.get("mission")))
            try:
                if action == "attest_one":
                    attest(
                        mission,
                        request.user,
                        actor,
                        self.corrections(request, mission),
                        request.POST.get("comment", ""),
                    )
                    messages.success(request, f"Service fait attesté : {mission}.")
                else:
                    send_back(mission, request.user, request.POST.get("reason", ""), actor)
                    messages.success(request, f"Renvoyé à l'intervenant : {mission}.")
            except AttestationError as error:
                messages.error(request, str(error))
        return redirect(f"{reverse('missions_service_fait')}?{request.GET.urlencode()}")

    @staticmethod
    def corrections(request, mission):
        corrections = {}
        for key, value in request.POST.items():
            if key.startswith("quantity-") and value.strip():
                line = parse_pk(key.removeprefix("quantity-"))
                if line is None:
                    raise AttestationError("Ligne de saisie inconnue.")
                corrections[line] = parse_quantity(value)
        return corrections


@hooks.register("register_admin_urls")
def register_urls():
    return [path("service-fait/", ServiceFaitView.as_view(), name="missions_service_fait")]


class CentreMenuItem(MenuItem):
    def is_shown(self, request):
        return is_gestionnaire(request.user) or is_chef_de_centre(request.user)


@hooks.register("register_admin_menu_item")
def register_menu():
    return CentreMenuItem(
        "Service fait", reverse("missions_service_fait"), icon_name="tick-inverse", order=203
    )
