"""The DEC dashboard and a payment batch in Chromium, on the demo data, with screenshots."""

import datetime
import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from missions.enums import BatchStatus, PartStatus
from missions.models import FeePart, PaymentBatch
from tests.browser.conftest import SCREENSHOTS

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PASSWORD = "mot-de-passe-de-demo"


@pytest.fixture
def demo():
    call_command("seed_demo", password=PASSWORD, missions=400, stdout=io.StringIO())


def tall_screenshot(screenshot, page, name):
    """The Wagtail admin scrolls inside its main area, not the page: grow the viewport to the
    content's height so the screenshot shows all of it."""
    height = page.evaluate(
        "Math.max(...[...document.querySelectorAll('body, body *')].map(e => e.scrollHeight))"
    )
    page.set_viewport_size({"width": 1280, "height": min(height, 6000)})
    path = screenshot(page, name)
    page.set_viewport_size({"width": 1280, "height": 900})
    return path


@pytest.fixture
def log_in(live_server, page, admin_log_in):
    """Log a demo account into the admin (password, then its TOTP code)."""

    def as_user(username="gestionnaire"):
        user = get_user_model().objects.get(username=username)
        admin_log_in(page, live_server, user, PASSWORD)

    return as_user


def test_dashboard__sessions_overdue_and_charts(demo, log_in, page, screenshot):
    log_in()

    expect(page.get_by_role("heading", name="Suivi des sessions")).to_be_visible()
    assert page.locator(".missions-session").count() >= 2
    charts = page.get_by_role("img", name="Montants par archipel")
    expect(charts.first).to_be_visible()
    page.get_by_text("Données du graphique").first.click()
    expect(page.get_by_role("rowheader", name="Société").first).to_be_visible()
    tall_screenshot(screenshot, page, "staff-dashboard")
    # The figures are kept a few minutes: the time says from when, the button recomputes.
    expect(page.get_by_text("Chiffres de ")).to_be_visible()
    page.get_by_role("button", name="Rafraîchir").click()
    page.get_by_text("Chiffres du tableau de bord recalculés.").wait_for()  # after the POST
    expect(page.get_by_role("heading", name="Suivi des sessions")).to_be_visible()
    screenshot(page, "staff-dashboard-refreshed")


def test_dashboard__chef_de_centre(demo, log_in, page, screenshot):
    log_in("chef.centre")
    expect(page.get_by_role("heading", name="Service fait à attester")).to_be_visible()
    assert page.get_by_role("heading", name="Suivi des sessions").count() == 0
    tall_screenshot(screenshot, page, "staff-dashboard-chef-de-centre")


def test_payment_batch__create_export_download_pay(demo, log_in, page, screenshot):
    log_in()
    page.get_by_role("link", name="Mises en paiement").click()
    page.get_by_role("link", name="Nouveau lot").click()
    page.get_by_label("Rémunération").check()
    page.get_by_role("button", name="Voir le contenu du lot").click()
    create = page.get_by_role("button", name="Créer le lot")
    create.wait_for()
    refused = int(page.locator('[data-total="refused"]').inner_text())
    assert refused > 0  # the demo has incomplete dossiers
    tall_screenshot(screenshot, page, "payment-new-preview")

    create.click()
    page.locator(".messages").get_by_text("créé").wait_for()
    batch = PaymentBatch.objects.filter(status=BatchStatus.DRAFT).get()
    expect(page.get_by_role("heading", name=f"Lot {batch.number}").first).to_be_visible()
    tall_screenshot(screenshot, page, "payment-batch-draft")

    count = batch.parts.count()
    page.get_by_role("button", name="Retirer").first.click()
    page.locator(".messages").get_by_text("retirée du lot").wait_for()
    assert batch.parts.count() == count - 1

    expected = timezone.localdate() + datetime.timedelta(days=21)
    page.get_by_label("Date de paiement prévue").fill(expected.isoformat())
    # The export writes and seals three files, the PDF by WeasyPrint (loaded on first use):
    # under the suite's parallel load it once took more than the default 30 s.
    page.get_by_role("button", name="Exporter et figer le lot").click(timeout=90_000)
    page.get_by_role("button", name="Marquer le lot payé").wait_for()
    assert page.get_by_role("button", name="Retirer").count() == 0
    with page.expect_download() as download:
        page.get_by_role("link", name="Fichier CSV").click()
    assert download.value.suggested_filename == f"mise-en-paiement-{batch.number}.csv"
    with page.expect_download() as download:
        page.get_by_role("link", name="Récapitulatif PDF").click()
    download.value.save_as(SCREENSHOTS / "payment-summary.pdf")
    tall_screenshot(screenshot, page, "payment-batch-exported")

    page.get_by_role("button", name="Marquer le lot payé").click()
    page.locator(".messages").get_by_text("avertis par courriel").wait_for()
    assert set(batch.parts.values_list("status", flat=True)) == {PartStatus.PAID}
    assert FeePart.objects.filter(batch=batch, paid_on=timezone.localdate()).count() == count - 1
    tall_screenshot(screenshot, page, "payment-batch-paid")

    page.get_by_role("link", name="Mises en paiement").first.click()
    tall_screenshot(screenshot, page, "payment-batches")


def test_missions_listing__bounded_count_and_status_filter(demo, log_in, page, screenshot,
                                                           monkeypatch):  # fmt: skip
    from missions.backoffice import listing

    monkeypatch.setattr(listing.BoundedPaginator, "max_rows", 100)
    log_in()
    page.goto(page.url.split("/admin/")[0] + "/admin/snippets/missions/mission/")
    expect(page.get_by_text("Plus de 100 missions").first).to_be_visible()
    screenshot(page, "staff-missions-listing-bounded")
    page.goto(page.url.split("?")[0] + f"?remuneration={PartStatus.CONTROLLED}")
    rows = page.locator("table.listing tbody tr")
    assert rows.count() > 0
    tall_screenshot(screenshot, page, "staff-missions-listing-filtered")


OVERFLOWING_BOX = """table => {
  for (let box = table; box; box = box.parentElement) {
    if (box.scrollWidth > box.clientWidth + 1) return getComputedStyle(box).overflowX;
  }
  return "fits";
}"""


@pytest.mark.parametrize(
    ("username", "url", "last_column"),
    [
        ("gestionnaire", "missions_control", "Décision"),
        ("chef.centre", "missions_service_fait", "Actions"),
    ],
)
def test_staff_tables__on_a_phone_the_last_column_scrolls_into_view(
    demo, live_server, phone_page, admin_log_in, screenshot, username, url, last_column
):
    """The admin's main area hides what overflows it: a table wider than the phone scrolls
    in its own box, and its last column can be brought into view."""
    user = get_user_model().objects.get(username=username)
    admin_log_in(phone_page, live_server, user, PASSWORD)
    phone_page.goto(live_server.url + reverse(url))
    table = phone_page.locator("table.listing").first
    assert table.evaluate(OVERFLOWING_BOX) in ("auto", "scroll")
    header = phone_page.get_by_role("columnheader", name=last_column).first
    header.scroll_into_view_if_needed()
    expect(header).to_be_in_viewport()
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(phone_page, f"staff-table-phone-{url}")
