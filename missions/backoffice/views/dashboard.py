"""The DEC's Wagtail dashboard: per recent session, the count and amount of parts in each
status and who has to act next; overdue entries; amounts by archipelago and by activity as a
server-rendered SVG bar chart. A chef de centre sees what waits for their attestation.

Every figure comes from a grouped query (values/annotate): the number of queries does not
depend on the number of missions. They read whole sessions (about a second at 200,000
missions), so the DEC's figures are kept FIGURES_SECONDS in the shared cache, shown with the
time they were computed, and a "Rafraîchir" button recomputes them."""

from collections import defaultdict
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.contrib import messages
from django.core.cache import cache
from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.shortcuts import redirect
from django.urls import NoReverseMatch, path, reverse
from django.utils import timezone
from django.views import View
from wagtail import hooks
from wagtail.admin.ui.components import Component

from missions.backoffice.views.base import forbidden
from missions.backoffice.views.dashboard_charts import SESSION, charts
from missions.enums import (
    WAITING_FOR_CENTRE,
    WAITING_FOR_DEC,
    WAITING_FOR_INTERVENANT,
    PartNature,
    PartStatus,
)
from missions.models import Centre, FeePart, Mission, Session
from missions.permissions import is_chef_de_centre, is_gestionnaire

RECENT_SESSIONS = 4
# How long the DEC's figures are reused before being recomputed (shared by every process).
FIGURES_SECONDS = 5 * 60
FIGURES_CACHE_KEY = "missions:dashboard:dec-figures"
OVERDUE_SHOWN = 10
# Lifecycle order, for the rows of the status tables.
STATUS_ORDER = [
    PartStatus.OPEN, PartStatus.TO_ENTER, PartStatus.TO_CORRECT,
    PartStatus.VALIDATED_BY_INTERVENANT, PartStatus.SERVICE_FAIT, PartStatus.CONTROLLED,
    PartStatus.IN_PAYMENT, PartStatus.PAID, PartStatus.NO_FEES, PartStatus.REJECTED,
    PartStatus.CANCELLED,
]  # fmt: skip
# Amounts that will not be paid stay out of the chart.
# key, who, what, statuses, the staff screen where it is done (if installed)
WAITING = [
    (
        "intervenant",
        "Intervenants",
        "parties à saisir ou à corriger",
        WAITING_FOR_INTERVENANT,
        None,
    ),
    (
        "centre",
        "Chefs de centre",
        "parties à attester (service fait)",
        WAITING_FOR_CENTRE,
        "missions_service_fait",
    ),
    (
        "dec",
        "DEC",
        "parties à contrôler ou à mettre en paiement",
        WAITING_FOR_DEC,
        "missions_control",
    ),
]


def recent_sessions(limit=RECENT_SESSIONS):
    """The latest sessions that have missions, most recent first."""
    # EXISTS per session (the (session, centre) index), not a DISTINCT over every mission.
    return list(
        Session.objects.filter(Exists(Mission.objects.filter(session=OuterRef("pk")))).order_by(
            "-start_date", "-pk"
        )[:limit]
    )


def _with_query(url, filters):
    return f"{url}?{urlencode(filters)}" if filters else url


def feepart_list_url(**filters):
    return _with_query(reverse("wagtailsnippets_missions_feepart:list"), filters)


def screen_url(name, **filters):
    """The URL of another staff screen (service fait, DEC control), or "" when that screen
    is not installed: the dashboard must not break without it."""
    if name is None:
        return ""
    try:
        return _with_query(reverse(name), filters)
    except NoReverseMatch:
        return ""


@dataclass
class Cell:
    count: int = 0
    total: int = 0


@dataclass
class StatusRow:
    status: str
    label: str
    columns: list  # (nature, Cell, listing URL), in PartNature order


@dataclass
class SessionOverview:
    session: Session
    rows: list = field(default_factory=list)
    totals: list = field(default_factory=list)  # (nature, Cell), in PartNature order
    waiting: list = field(default_factory=list)  # (key, label, detail, count, url)
    overdue: int = 0

    @property
    def overdue_url(self):
        return screen_url("missions_control", vue="retard", session=self.session.pk)


def session_overviews(sessions, overdue_counts):
    """Count and amount of parts by status and nature, for each session (one query)."""
    if not sessions:
        return []
    grouped = (
        FeePart.objects.filter(**{f"{SESSION}__in": sessions})
        .values(SESSION, "status", "nature")
        .annotate(count=Count("pk"), total=Sum("amount"))
        .order_by()
    )
    cells = defaultdict(lambda: defaultdict(Cell))  # (session, status) -> nature -> Cell
    for row in grouped:
        cells[row[SESSION], row["status"]][row["nature"]] = Cell(row["count"], row["total"] or 0)
    overviews = []
    for session in sessions:
        overview = SessionOverview(session, overdue=overdue_counts.get(session.pk, 0))
        totals = {nature: Cell() for nature in PartNature.values}
        for status in STATUS_ORDER:
            by_nature = cells.get((session.pk, status))
            if not by_nature:
                continue
            row = StatusRow(status, PartStatus(status).label, [])
            for nature in PartNature.values:
                cell = by_nature.get(nature, Cell())
                url = feepart_list_url(status=status, nature=nature, **{SESSION: session.pk})
                row.columns.append((nature, cell, url))
                totals[nature].count += cell.count
                totals[nature].total += cell.total
            overview.rows.append(row)
        overview.totals = list(totals.items())
        for key, label, detail, statuses, screen in WAITING:
            count = sum(
                cell.count
                for status in statuses
                for cell in cells.get((session.pk, status), {}).values()
            )
            url = screen_url(screen, session=session.pk) if count else ""
            overview.waiting.append((key, label, detail, count, url))
        overviews.append(overview)
    return overviews


def overdue_parts(today):
    """Parts still to enter or to correct after their entry deadline (the session's, or the
    later one the DEC reopened the file until)."""
    return FeePart.objects.filter(
        status__in=WAITING_FOR_INTERVENANT,
        etat__mission__session__entry_deadline__lt=today,
    ).filter(Q(etat__deadline_override__isnull=True) | Q(etat__deadline_override__lt=today))


def overdue_summary(today):
    """(count by session id, the oldest overdue parts) in two queries."""
    parts = overdue_parts(today)
    counts = dict(parts.values_list(SESSION).annotate(count=Count("pk")).order_by())
    oldest = list(
        parts.select_related(
            "etat__mission__intervenant",
            "etat__mission__session",
            "etat__mission__activity",
            "etat__mission__centre",
        ).order_by(f"{SESSION}__entry_deadline", "etat__mission__intervenant__last_name", "pk")[
            :OVERDUE_SHOWN
        ]
    )
    return counts, oldest


# Chart


# Panels


def dec_figures(today):
    """Everything the DEC panel shows, computed now (picklable, for the shared cache)."""
    sessions = recent_sessions()
    overdue_counts, oldest_overdue = overdue_summary(today)
    return {
        "today": today,
        "overviews": session_overviews(sessions, overdue_counts),
        "overdue_total": sum(overdue_counts.values()),
        "overdue_sessions": len(overdue_counts),
        "oldest_overdue": oldest_overdue,
        "charts": charts(sessions) if sessions else [],
        "sessions": sessions,
        "computed_at": timezone.now(),
    }


def figures_key(today):
    return f"{FIGURES_CACHE_KEY}:{today.isoformat()}"


def cached_dec_figures(refresh=False):
    """The DEC's figures from the shared cache, computed when absent, older than
    FIGURES_SECONDS, of another day, or when `refresh` is asked."""
    today = timezone.localdate()
    key = figures_key(today)
    figures = None if refresh else cache.get(key)
    if figures is None:
        figures = dec_figures(today)
        cache.set(key, figures, FIGURES_SECONDS)
    return figures


class DecOverviewPanel(Component):
    """Sessions, who must act, overdue entries and the charts, for gestionnaires."""

    name = "missions_dec_overview"
    template_name = "missions/admin/dashboard/dec_panel.html"
    order = 50

    def get_context_data(self, parent_context):
        return {
            **cached_dec_figures(),
            "natures": PartNature.choices,
            # The panel's template gets this dict only: the refresh form needs the token.
            "csrf_token": parent_context.get("csrf_token"),
        }


class RefreshFiguresView(View):
    """POST: recompute the DEC's figures now (the button beside "Chiffres de HH:MM")."""

    def post(self, request):
        if not is_gestionnaire(request.user):
            return forbidden(request)
        cached_dec_figures(refresh=True)
        messages.success(request, "Chiffres du tableau de bord recalculés.")
        return redirect("wagtailadmin_home")


class CentreAttestationPanel(Component):
    """A chef de centre's centres and how many missions wait for their attestation."""

    name = "missions_centre_attestation"
    template_name = "missions/admin/dashboard/centre_panel.html"
    order = 50

    def __init__(self, user):
        self.user = user

    def get_context_data(self, parent_context):
        waiting = Q(missions__etat__parts__status__in=WAITING_FOR_CENTRE)
        centres = (
            Centre.objects.for_chef(self.user)
            .annotate(waiting=Count("missions", filter=waiting, distinct=True))
            .order_by("name")
        )
        return {"centres": [(centre, self.centre_url(centre)) for centre in centres]}

    @staticmethod
    def centre_url(centre):
        """The service-fait screen of the centre, else its missions waiting for attestation."""
        return screen_url("missions_service_fait", centre=centre.pk) or _with_query(
            reverse("wagtailsnippets_missions_mission:list"),
            {"centre": centre.pk, "etat__parts__status": PartStatus.VALIDATED_BY_INTERVENANT},
        )


@hooks.register("register_admin_urls")
def register_urls():
    return [
        path(
            "tableau-de-bord/rafraichir/",
            RefreshFiguresView.as_view(),
            name="missions_dashboard_refresh",
        )
    ]


@hooks.register("construct_homepage_panels")
def add_missions_panels(request, panels):
    if is_gestionnaire(request.user):
        panels.append(DecOverviewPanel())
    elif is_chef_de_centre(request.user):
        panels.append(CentreAttestationPanel(request.user))
