"""The access matrix: every URL of the portal, the staff screens, a few snippet views and every
download, fetched by every role; each (URL, role) answers exactly the expected status (and,
for a redirect, the expected target).

Roles: anonymous, intervenant A (who owns every object of the table), intervenant B, a chef
de centre of ANOTHER centre, a chef d'établissement of ANOTHER school (B's, not A's), an
editor, a gestionnaire, and a gestionnaire who typed their password but not their second
factor ("staff_no2fa").

How each kind of screen refuses:
- the portal: anonymous → 302 to /espace/connexion/; a staff account (no intervenant) → 403;
  someone else's object → 404;
- Wagtail (snippets, Wagtail's own views): anonymous and non-staff → 302 to /admin/login/;
  staff without the permission → 302 to /admin/ (Wagtail's redirect of PermissionDenied);
- our staff screens (convocations, service fait, contrôle, import/export, paiements): 403;
- any /admin/ URL for staff without the second factor → 302 to /admin/2fa/verifier/.
"""

import datetime

import pytest
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import NoReverseMatch, reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from assignment.models import AssignmentProfile, SchoolHead
from missions import roles
from missions.enums import PartNature
from missions.models import ConvocationDocument, ConvocationRun, TravelLeg, WorkLine
from missions.services.convocations import issue_mission
from tests.assignment.factories import CompetenceFactory, NeedFactory, UnavailabilityFactory
from tests.conftest import VerifiedClient
from tests.factories import (
    CentreFactory,
    DossierFactory,
    IntervenantFactory,
    MissionFactory,
    UserFactory,
    chef_de_centre,
    commune,
    gestionnaire,
)

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

ROLES = ["anonymous", "intervenant_a", "intervenant_b", "chef_other", "chef_etab", "editor",
         "gestionnaire", "staff_no2fa"]  # fmt: skip

try:
    from missions.models import PaymentBatch

    reverse("missions_payments")
    HAS_PAYMENTS = True
except (ImportError, NoReverseMatch):  # the payments screens are still being built
    HAS_PAYMENTS = False

# Expected outcomes, as (status, Location prefix or None).
OK = (200, None)
NOT_FOUND = (404, None)
FORBIDDEN = (403, None)
PORTAL_LOGIN = (302, "/espace/connexion/?next=")
ADMIN_LOGIN = (302, "/admin/login/?next=")
ADMIN_HOME = (302, "/admin/")  # Wagtail refuses a snippet view this way
VERIFY_2FA = (302, "/admin/2fa/verifier/?next=")


def portal(own_b=OK, staff=FORBIDDEN):
    """A portal URL: A gets 200; B gets `own_b` (404 for A's objects); staff get `staff`."""
    return {
        "anonymous": PORTAL_LOGIN,
        "intervenant_a": OK,
        "intervenant_b": own_b,
        "chef_other": staff,
        "chef_etab": staff,
        "editor": staff,
        "gestionnaire": staff,
        "staff_no2fa": staff,
    }


def staff_screen(chef=FORBIDDEN, editor=FORBIDDEN, gestionnaire_=OK, chef_etab=FORBIDDEN):
    """One of our staff screens under /admin/."""
    return {
        "anonymous": ADMIN_LOGIN,
        "intervenant_a": ADMIN_LOGIN,
        "intervenant_b": ADMIN_LOGIN,
        "chef_other": chef,
        "chef_etab": chef_etab,
        "editor": editor,
        "gestionnaire": gestionnaire_,
        "staff_no2fa": VERIFY_2FA,
    }


def snippet(chef=FORBIDDEN, editor=ADMIN_HOME, gestionnaire_=OK):
    """A Wagtail view: closed to a chef de centre unless built for their scope
    (missions.backoffice.scoped_access), and to a chef d'établissement (their screen is their
    only one); refused by Wagtail to an editor without the permission."""
    return staff_screen(chef=chef, editor=editor, gestionnaire_=gestionnaire_)


def wagtail_report(editor=OK, gestionnaire_=OK):
    """A Wagtail report, search or chooser: it lists objects of every centre, so it is closed
    to a chef de centre and a chef d'établissement."""
    return staff_screen(chef=FORBIDDEN, editor=editor, gestionnaire_=gestionnaire_)


def scoped_object(chef=NOT_FOUND):
    """A view of one mission or part: outside the user's scope it does not exist (404, as
    for an unknown id: nothing tells whether the object exists)."""
    return snippet(chef=chef, editor=NOT_FOUND)


def snip(model, view, *args, app="missions"):
    return reverse(f"wagtailsnippets_{app}_{model}:{view}", args=args)


# (case id, method, url builder taking the world, expectations by role)
# fmt: off
CASES = [
    # The portal.
    ("portal-missions", "get", lambda w: reverse("portal:missions"), portal()),
    ("portal-mission", "get", lambda w: reverse("portal:mission", args=[w.mission.pk]),
     portal(own_b=NOT_FOUND)),
    ("portal-mission-unknown", "get", lambda w: reverse("portal:mission", args=[999999]),
     {**portal(own_b=NOT_FOUND), "intervenant_a": NOT_FOUND}),
    ("portal-recap-pdf", "get", lambda w: reverse("portal:recap_pdf", args=[w.mission.pk]),
     portal(own_b=NOT_FOUND)),
    ("portal-receipt-work", "get",
     lambda w: reverse("portal:receipt", args=["travail", w.work_line.pk]),
     portal(own_b=NOT_FOUND)),
    ("portal-receipt-travel", "get",
     lambda w: reverse("portal:receipt", args=["trajet", w.travel_leg.pk]),
     portal(own_b=NOT_FOUND)),
    ("portal-dossier", "get", lambda w: reverse("portal:dossier"), portal()),
    ("portal-dossier-rib", "get", lambda w: reverse("portal:dossier_document", args=["rib"]),
     portal(own_b=NOT_FOUND)),  # B's own dossier has no RIB: never A's
    ("portal-dossier-id", "get",
     lambda w: reverse("portal:dossier_document", args=["identite"]),
     portal(own_b=NOT_FOUND)),
    # Intervenants only: anonymous → portal login; staff → 403 (a password alone must never
    # change a staff password).
    ("portal-password-change", "get", lambda w: reverse("portal:password_change"),
     portal()),
    # Someone already logged in is sent on to the portal.
    ("portal-login", "get", lambda w: reverse("portal:login"),
     {**dict.fromkeys(ROLES, (302, "/espace/")), "anonymous": OK}),
    ("portal-password-reset", "get", lambda w: reverse("portal:password_reset"),
     dict.fromkeys(ROLES, OK)),
    # Portal POSTs on A's mission: B and staff change nothing.
    ("portal-add-line", "post",
     lambda w: reverse("portal:add_line", args=[w.mission.pk, "travail"]),
     {**portal(own_b=NOT_FOUND), "intervenant_a": (400, None)}),  # empty form: 400
    ("portal-delete-line", "post",
     lambda w: reverse("portal:delete_line", args=[w.mission.pk, "travail", w.spare_line.pk]),
     {**portal(own_b=NOT_FOUND),
      "intervenant_a": (302, "/espace/missions/")}),
    ("portal-submit", "post", lambda w: reverse("portal:submit", args=[w.mission.pk]),
     {**portal(own_b=NOT_FOUND), "intervenant_a": (400, None)}),  # certify unchecked: 400
    # Staff screens.
    ("admin-home", "get", lambda w: reverse("wagtailadmin_home"),
     staff_screen(chef=OK, editor=OK, chef_etab=OK)),
    ("admin-service-fait", "get", lambda w: reverse("missions_service_fait"),
     staff_screen(chef=OK)),
    ("admin-controle", "get", lambda w: reverse("missions_control"), staff_screen()),
    ("admin-controle-post", "post", lambda w: reverse("missions_control"),
     {**staff_screen(), "gestionnaire": (302, "/admin/controle/")}),
    ("admin-convocations", "get", lambda w: reverse("missions_convocations:index"),
     staff_screen()),
    ("admin-convocations-plan", "get",
     lambda w: reverse("missions_convocations:plan") + f"?session={w.mission.session_id}",
     staff_screen()),
    ("admin-convocations-run", "get",
     lambda w: reverse("missions_convocations:run", args=[w.run.pk]), staff_screen()),
    ("admin-convocations-cancel", "post",
     lambda w: reverse("missions_convocations:cancel", args=[w.run.pk]),
     {**staff_screen(), "gestionnaire": (302, "/admin/convocations/")}),
    ("admin-import", "get", lambda w: reverse("missions_import"), staff_screen()),
    ("admin-import-confirm", "post", lambda w: reverse("missions_import_confirm"),
     {**staff_screen(), "gestionnaire": (302, "/admin/missions/import/")}),
    # Enrolled staff are sent from enrolment to verification.
    ("admin-2fa-setup", "get", lambda w: reverse("two_factor_setup"),
     {**staff_screen(chef=OK, editor=OK, chef_etab=OK),
      "staff_no2fa": (302, "/admin/2fa/verifier/")}),
    ("admin-2fa-verify", "get", lambda w: reverse("two_factor_verify"),
     {**staff_screen(chef=OK, editor=OK, chef_etab=OK), "staff_no2fa": OK}),
    # Downloads of the staff screens.
    ("dl-convocations-run-pdf", "get",
     lambda w: reverse("missions_convocations:run_pdf", args=[w.run.pk]), staff_screen()),
    ("dl-convocation-document", "get",
     lambda w: reverse("missions_convocations:document", args=[w.document.pk]),
     staff_screen()),
    *[
        (f"dl-export-{kind}-{fmt}", "get",
         lambda w, kind=kind, fmt=fmt: reverse("missions_export", args=[kind, fmt]),
         staff_screen())
        for kind in ("intervenants", "missions", "etats-de-frais", "modele-centres")
        for fmt in ("csv", "xlsx")
    ],
    ("dl-request-document", "get",
     lambda w: reverse("demandes-intervenants:document", args=[w.request.pk]),
     snippet()),
    # Snippets.
    ("snippet-mission-list", "get", lambda w: snip("mission", "list"), snippet(chef=OK)),
    ("snippet-mission-inspect", "get", lambda w: snip("mission", "inspect", w.mission.pk),
     scoped_object()),
    ("snippet-mission-history", "get", lambda w: snip("mission", "history", w.mission.pk),
     scoped_object()),
    ("snippet-mission-edit", "get", lambda w: snip("mission", "edit", w.mission.pk),
     snippet()),
    ("snippet-feepart-list", "get", lambda w: snip("feepart", "list"), snippet(chef=OK)),
    ("snippet-feepart-inspect", "get", lambda w: snip("feepart", "inspect", w.part.pk),
     scoped_object()),
    ("snippet-intervenant-list", "get", lambda w: snip("intervenant", "list"), snippet()),
    ("snippet-dossier-list", "get", lambda w: snip("dossierfinancier", "list"), snippet()),
    ("snippet-dossier-edit", "get",
     lambda w: snip("dossierfinancier", "edit", w.dossier.pk), snippet()),
    ("snippet-rate-list", "get", lambda w: snip("rate", "list"), snippet()),
    # Listing exports: the chef's are scoped like the listing itself.
    ("export-mission-list-csv", "get", lambda w: snip("mission", "list") + "?export=csv",
     snippet(chef=OK)),
    ("export-feepart-list-xlsx", "get", lambda w: snip("feepart", "list") + "?export=xlsx",
     snippet(chef=OK)),
    ("export-intervenant-list-csv", "get",
     lambda w: snip("intervenant", "list") + "?export=csv", snippet()),
    ("export-requests-list-csv", "get",
     lambda w: reverse("demandes-intervenants:index") + "?export=csv", snippet()),
    # Wagtail's own reports, searches and choosers.
    ("report-site-history", "get", lambda w: reverse("wagtailadmin_reports:site_history"),
     wagtail_report()),
    ("report-site-history-results", "get",
     lambda w: reverse("wagtailadmin_reports:site_history_results"), wagtail_report()),
    ("report-site-history-csv", "get",
     lambda w: reverse("wagtailadmin_reports:site_history") + "?export=csv", wagtail_report()),
    # Page reports: Wagtail sends a gestionnaire (no page permission) back to the dashboard.
    ("report-aging-pages", "get", lambda w: reverse("wagtailadmin_reports:aging_pages"),
     wagtail_report(gestionnaire_=ADMIN_HOME)),
    ("report-locked-pages", "get", lambda w: reverse("wagtailadmin_reports:locked_pages"),
     wagtail_report(gestionnaire_=ADMIN_HOME)),
    ("report-page-types-usage", "get",
     lambda w: reverse("wagtailadmin_reports:page_types_usage"),
     wagtail_report(gestionnaire_=ADMIN_HOME)),
    ("admin-pages-search", "get", lambda w: reverse("wagtailadmin_pages:search") + "?q=a",
     wagtail_report(gestionnaire_=ADMIN_HOME)),
    # Snippet choosers need a permission on the model: an editor has none on missions.
    ("chooser-mission", "get",
     lambda w: reverse("wagtailsnippetchoosers_missions_mission:choose"),
     wagtail_report(editor=FORBIDDEN)),
    ("chooser-intervenant-results", "get",
     lambda w: reverse("wagtailsnippetchoosers_missions_intervenant:choose_results") + "?q=a",
     wagtail_report(editor=FORBIDDEN)),
    ("chooser-page", "get", lambda w: reverse("wagtailadmin_choose_page"), wagtail_report()),
    ("admin-users", "get", lambda w: reverse("wagtailusers_users:index"),
     wagtail_report(editor=ADMIN_HOME, gestionnaire_=ADMIN_HOME)),
    ("admin-2fa-reset", "get", lambda w: reverse("two_factor_reset"),
     staff_screen(chef=FORBIDDEN, gestionnaire_=FORBIDDEN)),
    ("snippet-requests-list", "get", lambda w: reverse("demandes-intervenants:index"),
     snippet()),
    # The assignment: the DEC's screen, the chef d'établissement's, the portal's page.
    ("admin-assignment", "get", lambda w: reverse("assignment_admin:index"), staff_screen()),
    ("admin-assignment-session", "get",
     lambda w: reverse("assignment_admin:session", args=[w.need.session_id]), staff_screen()),
    ("admin-assignment-accept-all", "post",
     lambda w: reverse("assignment_admin:session_action",
                       args=[w.need.session_id, "tout-accepter"]),
     {**staff_screen(), "gestionnaire": (302, "/admin/affectation/session/")}),
    ("admin-assignment-pin", "post", lambda w: reverse("assignment_admin:pin", args=[w.need.pk]),
     {**staff_screen(), "gestionnaire": (302, "/admin/affectation/session/")}),  # no id: error
    ("snippet-need-list", "get", lambda w: snip("need", "list", app="assignment"), snippet()),
    ("snippet-competence-edit", "get",
     lambda w: snip("competence", "edit", w.competence_a.pk, app="assignment"), snippet()),
    ("admin-school", "get", lambda w: reverse("assignment_school:index"),
     staff_screen(chef_etab=OK, gestionnaire_=FORBIDDEN)),
    # A is not the chef d'établissement's staff: A's competence does not exist for them.
    ("admin-school-delete-other", "post",
     lambda w: reverse("assignment_school:delete", args=["competence", w.competence_a.pk]),
     staff_screen(chef_etab=NOT_FOUND, gestionnaire_=FORBIDDEN)),
    ("portal-unavailability", "get", lambda w: reverse("assignment_portal:unavailability"),
     portal()),
    ("portal-unavailability-delete", "post",
     lambda w: reverse("assignment_portal:delete", args=[w.absence_a.pk]),
     {**portal(own_b=NOT_FOUND), "intervenant_a": (302, "/espace/indisponibilites/")}),
]
# fmt: on

# fmt: off
if HAS_PAYMENTS:
    CASES += [
        ("admin-payments", "get", lambda w: reverse("missions_payments"), staff_screen()),
        ("admin-payment-new", "get", lambda w: reverse("missions_payment_new"),
         staff_screen()),
        ("admin-payment", "get", lambda w: reverse("missions_payment", args=[w.batch.pk]),
         staff_screen()),
        *[
            (f"dl-payment-{fmt}", "get",
             lambda w, fmt=fmt: reverse("missions_payment_download", args=[w.batch.pk, fmt]),
             staff_screen())
            for fmt in ("csv", "xlsx", "pdf")
        ],
    ]
# fmt: on


class World:
    """Intervenant A's mission, lines, receipts and dossier; a convocation run; a request."""

    def __init__(self):
        centre_a, centre_b = CentreFactory(), CentreFactory()
        self.a = IntervenantFactory(first_name="Alice", home_commune=commune("Uturoa"))
        self.b = IntervenantFactory(first_name="Bruno", home_commune=commune("Papeete"))
        self.dossier = DossierFactory(intervenant=self.a)
        self.dossier.rib_document.save("rib.pdf", ContentFile(PDF), save=False)
        self.dossier.id_document.save("id.png", ContentFile(PNG), save=False)
        self.dossier.save()
        DossierFactory(intervenant=self.b)
        self.mission = MissionFactory(intervenant=self.a, centre=centre_a)
        issue_mission(self.mission, today=datetime.date(2026, 6, 30))
        self.mission.refresh_from_db()
        self.part = self.mission.etat.parts.get(nature=PartNature.REMUNERATION)
        travel = self.mission.etat.parts.get(nature=PartNature.TRAVEL)
        self.work_line = WorkLine.objects.create(
            part=self.part, date=self.mission.start_date, quantity=10
        )
        self.work_line.receipt.save("r.png", ContentFile(PNG))
        self.travel_leg = TravelLeg.objects.create(
            part=travel, date=self.mission.start_date, mode="taxi", fare=2000,
            from_commune=commune("Uturoa"), to_commune=commune("Papeete"),
        )  # fmt: skip
        self.travel_leg.receipt.save("t.pdf", ContentFile(PDF))
        self.spare_line = WorkLine.objects.create(
            part=self.part, date=self.mission.start_date, quantity=2
        )
        self.run = ConvocationRun.objects.create(session=self.mission.session, total=1)
        self.run.merged_pdf.save("run.pdf", ContentFile(PDF))
        self.document = ConvocationDocument(run=self.run, intervenant=self.a)
        self.document.pdf.save("c.pdf", ContentFile(PDF))
        from tests.regulations.factories import IntervenantRequestFactory

        self.request = IntervenantRequestFactory()
        self.request.supporting_document.save("piece.pdf", ContentFile(PDF))
        if HAS_PAYMENTS:
            from missions.enums import BatchStatus

            self.batch = PaymentBatch.objects.create(
                number="TEST-0001", nature=PartNature.REMUNERATION,
                status=BatchStatus.EXPORTED, expected_payment_on=datetime.date(2026, 8, 1),
            )  # fmt: skip
            from missions.io.payment_files import seal_batch

            seal_batch(self.batch)  # as the export does: its files are stored
        self.need = NeedFactory(session=self.mission.session, centre=centre_a)
        self.competence_a = CompetenceFactory(intervenant=self.a)
        self.absence_a = UnavailabilityFactory(intervenant=self.a, entered_as="intervenant")
        chef_etab = UserFactory(role=roles.CHEFS_ETABLISSEMENT)
        SchoolHead.objects.create(user=chef_etab, school=centre_b)
        AssignmentProfile.objects.create(intervenant=self.b, school=centre_b)
        self.users = {
            "intervenant_a": self.a.user,
            "intervenant_b": self.b.user,
            "chef_other": chef_de_centre(centre_b),
            "chef_etab": chef_etab,
            "editor": UserFactory(role=roles.EDITORS),
            "gestionnaire": gestionnaire(),
        }
        self.no2fa = gestionnaire()
        TOTPDevice.objects.create(user=self.no2fa, name="Téléphone", confirmed=True)


def client_for(role, world):
    client = VerifiedClient()
    if role == "staff_no2fa":
        client.logout()
        # The password alone: a plain Client's force_login leaves the session unverified.
        from django.test import Client

        client = Client()
        client.force_login(world.no2fa)
    elif role != "anonymous":
        client.force_login(world.users[role])
    return client


# (case id, role) -> (the correct outcome, why the application does otherwise today).
# None today; the two found by this matrix (portal password change) are fixed.
KNOWN_BUGS = {}


def _param(case_id, method, build, role, expected):
    marks = ()
    if (case_id, role) in KNOWN_BUGS:
        expected, reason = KNOWN_BUGS[case_id, role]
        marks = (pytest.mark.xfail(strict=True, reason=reason),) if reason else ()
    return pytest.param(method, build, role, expected, id=f"{case_id}-{role}", marks=marks)


MATRIX = [
    _param(case_id, method, build, role, expected[role])
    for case_id, method, build, expected in CASES
    for role in ROLES
]


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """Built once for the module inside a transaction rolled back at its end; each test runs
    in a savepoint of it (the `db` fixture), so what a test changes is undone."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield World()
        transaction.set_rollback(True)


@pytest.fixture
def today(monkeypatch):
    """During the session's entry window (mission of 16/06/2026, deadline 31/08/2026)."""
    day = datetime.date(2026, 7, 1)
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args, **kwargs: day)
    return day


@pytest.mark.parametrize(("method", "build", "role", "expected"), MATRIX)
def test_access_matrix(method, build, role, expected, world, db, today):
    url = build(world)
    response = getattr(client_for(role, world), method)(url)
    status, location = expected
    got = (response.status_code, response.get("Location"))
    assert response.status_code == status, f"{method.upper()} {url} as {role}: {got}"
    if location is not None:
        assert response["Location"].startswith(location), f"{url} as {role}: {got}"
    if status == 200 and hasattr(response, "streaming_content"):
        assert b"".join(response.streaming_content)  # the file is really served


def test_matrix_size():
    """The figure the security issue asks for."""
    assert len(MATRIX) >= 150
