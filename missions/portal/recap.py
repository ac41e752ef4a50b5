"""The printable récapitulatif of an état de frais, as a PDF (WeasyPrint)."""

from django.template.loader import render_to_string
from django.utils import timezone

from missions.portal.mission_file import build_mission_file


def render_recap_pdf(mission):
    from weasyprint import HTML  # heavy import: only when a PDF is asked for

    context = {"file": build_mission_file(mission), "generated_at": timezone.localtime()}
    html = render_to_string("missions/portal/recap_pdf.html", context)
    return HTML(string=html).write_pdf()
