"""The documents the DEC controls, served from private storage by permission-checked views:
receipts of fee lines (gestionnaires, and chefs de centre for their centres' missions), RIB
and identity documents of dossiers financiers (gestionnaires). Images and PDFs open inline;
anything else downloads. Anyone else gets a 404, as for a document that does not exist."""

import datetime
from pathlib import PurePath

from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.views import View
from wagtail import hooks

from missions.models import DossierFinancier, MealLine, NightLine, TravelLeg, WorkLine
from missions.permissions import can_see_dossier_documents, can_see_receipt

LINE_KINDS = {"travail": WorkLine, "trajet": TravelLeg, "repas": MealLine, "nuitee": NightLine}
KIND_OF_MODEL = {model: kind for kind, model in LINE_KINDS.items()}
DOSSIER_DOCUMENTS = {"rib": "rib_document", "identite": "id_document"}
INLINE_TYPES = {
    ".pdf": "application/pdf",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
}


def private_file_response(file, filename):
    suffix = PurePath(file.name).suffix.lower()
    content_type = INLINE_TYPES.get(suffix)
    response = FileResponse(
        file.open("rb"),
        as_attachment=content_type is None,
        filename=f"{filename}{suffix}",
        content_type=content_type or "application/octet-stream",
    )
    # A stored file is never run as a page of the admin.
    response["Content-Security-Policy"] = "sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


def receipt_url(line):
    """The staff URL of a line's receipt, "" when it has none."""
    kind = KIND_OF_MODEL.get(type(line))
    if not kind or not line.receipt:
        return ""
    return reverse("missions_document_receipt", args=[kind, line.pk])


def dossier_document_url(dossier, document):
    field = DOSSIER_DOCUMENTS[document]
    if not isinstance(dossier, DossierFinancier) or not getattr(dossier, field):
        return ""
    return reverse("missions_document_dossier", args=[dossier.pk, document])


class ReceiptDocumentView(View):
    def get(self, request, kind, pk):
        if kind not in LINE_KINDS:
            raise Http404
        line = get_object_or_404(
            LINE_KINDS[kind].objects.select_related("part__etat__mission"), pk=pk
        )
        if not line.receipt or not can_see_receipt(request.user, line.part.etat.mission):
            raise Http404
        return private_file_response(line.receipt, f"justificatif-{kind}-{line.pk}")


class DossierDocumentView(View):
    def get(self, request, pk, document):
        if document not in DOSSIER_DOCUMENTS or not can_see_dossier_documents(request.user):
            raise Http404
        dossier = get_object_or_404(DossierFinancier, pk=pk)
        file = getattr(dossier, DOSSIER_DOCUMENTS[document])
        if not file:
            raise Http404
        return private_file_response(file, f"{document}-{dossier.intervenant_id}")


@hooks.register("register_admin_urls")
def register_document_urls():
    return [
        path(
            "documents/justificatif/<slug:kind>/<int:pk>/",
            ReceiptDocumentView.as_view(),
            name="missions_document_receipt",
        ),
        path(
            "documents/dossier/<int:pk>/<slug:document>/",
            DossierDocumentView.as_view(),
            name="missions_document_dossier",
        ),
    ]


def _link(url, label, kind):
    if not url:
        return "—"
    return format_html(
        '<a href="{}" target="_blank" rel="noopener" data-document="{}">{}</a>', url, kind, label
    )


class DossierDocumentsMixin:
    """Inspect view of a dossier: its documents open through the private view, and the
    changes the intervenant made since the DEC's last check (masked)."""

    def get_rib_document_display_value(self):
        return _link(dossier_document_url(self.object, "rib"), "Ouvrir le RIB", "rib")

    def get_id_document_display_value(self):
        url = dossier_document_url(self.object, "identite")
        return _link(url, "Ouvrir la pièce d'identité", "identite")

    def get_check_reset_at_display_value(self):
        if not self.object.check_reset_at:
            return "—"
        return f"{timezone.localtime(self.object.check_reset_at):%d/%m/%Y %H:%M} — à vérifier"

    def get_pending_changes_display_value(self):
        changes = self.object.pending_changes
        if not changes:
            return "Aucune"
        return format_html(
            "<ul>{}</ul>",
            format_html_join(
                "",
                "<li>{} : {} → <strong>{}</strong> (le {})</li>",
                (
                    (
                        c["champ"],
                        c["avant"],
                        c["apres"],
                        timezone.localtime(datetime.datetime.fromisoformat(c["le"])).strftime(
                            "%d/%m/%Y %H:%M"
                        ),
                    )
                    for c in changes
                ),
            ),
        )
