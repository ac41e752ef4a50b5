"""Admin views to import intervenants, centres and missions from CSV/XLSX (upload →
dry-run preview → confirm) and to export them. Their hooks register when wagtail_hooks
imports this module. Parsing and validation live in resources.py and services/imports.py."""

import contextlib
import os
import re

from django import forms
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import include, path, reverse, reverse_lazy
from django.views.generic import FormView, View
from import_export.tmp_storages import TempFolderStorage
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from missions.io.imports import (
    EXPORT_KINDS,
    FORMATS,
    IMPORT_KINDS,
    MAX_UPLOAD_BYTES,
    ImportFileError,
    export_file,
    read_file,
    run_import,
)
from missions.permissions import is_gestionnaire

SESSION_KEY = "missions_imports"
# TempFolderStorage names its files like tempfile does: "tmp" and random letters.
TOKEN = re.compile(r"^tmp[a-z0-9_]{6,}$")
MAX_ADMIN_ROWS = 20_000
MAX_ERRORS_SHOWN = 500
MAX_PENDING = 5  # uploads a session may confirm
HOME = {"url": reverse_lazy("wagtailadmin_home"), "label": "Tableau de bord"}


class GestionnaireRequiredMixin:
    def dispatch(self, request, *args, **kwargs):
        # Wagtail turns PermissionDenied into a redirect; answer a plain 403 instead.
        if not is_gestionnaire(request.user):
            context = {"page_title": "Accès refusé", "header_title": "Accès refusé"}
            return TemplateResponse(request, "missions/import/forbidden.html", context, status=403)
        return super().dispatch(request, *args, **kwargs)


class ImportForm(forms.Form):
    kind = forms.ChoiceField(
        label="Données à importer",
        choices=[(key, kind.label) for key, kind in IMPORT_KINDS.items()],
        initial="missions",
    )
    file = forms.FileField(
        label="Fichier CSV ou XLSX",
        help_text=(
            "10 Mo au plus. CSV séparé par des points-virgules ou des virgules, en UTF-8 ou "
            "Windows-1252 ; XLSX : la première feuille. La première ligne porte les noms des "
            "colonnes."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError("Fichier trop volumineux : 10 Mo au plus.")
        data = upload.read()
        try:
            self.cleaned_data["parsed"] = read_file(data, upload.name, max_rows=MAX_ADMIN_ROWS)
        except ImportFileError as error:
            raise forms.ValidationError(str(error)) from error
        self.cleaned_data["data"] = data
        return upload


class ImportMixin(GestionnaireRequiredMixin, WagtailAdminTemplateMixin):
    page_title = "Importer des données"
    header_icon = "upload"

    def get_breadcrumbs_items(self):
        return [HOME, {"url": reverse("missions_import"), "label": self.page_title}]

    def render_preview(self, token, pending, report):
        kind = IMPORT_KINDS[pending["kind"]]
        context = self.get_context_data(
            report=report,
            token=token,
            kind_label=kind.label,
            filename=pending["filename"],
            errors_shown=report.errors[:MAX_ERRORS_SHOWN],
            errors_hidden=max(0, len(report.errors) - MAX_ERRORS_SHOWN),
        )
        return TemplateResponse(self.request, "missions/import/preview.html", context)


class ImportView(ImportMixin, FormView):
    """Upload a file and show what importing it would do (a dry run, rolled back)."""

    template_name = "missions/import/upload.html"
    form_class = ImportForm

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["kinds"] = [
            (key, kind.label, kind.resource_class()) for key, kind in IMPORT_KINDS.items()
        ]
        context["exports"] = [(key, kind.label) for key, kind in EXPORT_KINDS.items()]
        return context

    def form_valid(self, form):
        storage = TempFolderStorage(read_mode="rb")
        storage.save(form.cleaned_data["data"])
        token = os.path.basename(storage.name)
        pending = {"kind": form.cleaned_data["kind"], "filename": form.cleaned_data["file"].name}
        recent = list(self.request.session.get(SESSION_KEY, {}).items())[-(MAX_PENDING - 1) :]
        self.request.session[SESSION_KEY] = {**dict(recent), token: pending}
        report = run_import(pending["kind"], form.cleaned_data["parsed"], dry_run=True)
        return self.render_preview(token, pending, report)


class ImportConfirmView(ImportMixin, View):
    """Import the previewed file for real, all or nothing; or drop it."""

    def post(self, request):
        token = request.POST.get("token", "")
        pending = request.session.get(SESSION_KEY, {}).get(token)
        # Only a bare file name that this session uploaded: never a path from the client.
        if not TOKEN.match(token) or pending is None:
            messages.error(request, "Ce fichier n'est plus disponible : déposez-le à nouveau.")
            return redirect("missions_import")
        storage = TempFolderStorage(name=token, read_mode="rb")
        if "cancel" in request.POST:
            self._forget(storage, token)
            messages.info(request, "Import abandonné : rien n'a été importé.")
            return redirect("missions_import")
        try:
            parsed = read_file(storage.read(), pending["filename"])
        except (OSError, ImportFileError):
            self._forget(storage, token)
            messages.error(request, "Ce fichier n'est plus disponible : déposez-le à nouveau.")
            return redirect("missions_import")
        report = run_import(pending["kind"], parsed, dry_run=False)
        if not report.ok:
            messages.error(request, "Le fichier comporte des erreurs : rien n'a été importé.")
            return self.render_preview(token, pending, report)
        self._forget(storage, token)
        messages.success(
            request,
            f"Import de « {pending['filename']} » terminé "
            f"({IMPORT_KINDS[pending['kind']].label.lower()}) : {report.new} lignes créées, "
            f"{report.update} mises à jour, {report.skip} inchangées.",
        )
        return redirect("missions_import")

    def _forget(self, storage, token):
        imports = self.request.session.get(SESSION_KEY, {})
        imports.pop(token, None)
        self.request.session[SESSION_KEY] = imports
        with contextlib.suppress(OSError):  # already gone: nothing to drop
            storage.remove()


class ExportView(GestionnaireRequiredMixin, View):
    """Download intervenants, missions or états de frais (or an empty import model)."""

    def get(self, request, kind, fmt):
        known = kind in EXPORT_KINDS or kind.removeprefix("modele-") in IMPORT_KINDS
        if fmt not in FORMATS or not known:
            raise Http404
        content, content_type, filename = export_file(kind, fmt)
        response = HttpResponse(content, content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response


urlpatterns = [
    path("", ImportView.as_view(), name="missions_import"),
    path("confirmer/", ImportConfirmView.as_view(), name="missions_import_confirm"),
    path("export/<slug:kind>.<str:fmt>", ExportView.as_view(), name="missions_export"),
]


@hooks.register("register_admin_urls")
def register_import_urls():
    return [path("missions/import/", include(urlpatterns))]


class GestionnaireMenuItem(MenuItem):
    def is_shown(self, request):
        return is_gestionnaire(request.user)


def import_menu_item(order=900):
    """The "Importer" entry; reusable in the "Missions" menu group."""
    return GestionnaireMenuItem(
        "Importer", reverse("missions_import"), name="missions-import", icon_name="upload",
        order=order,
    )  # fmt: skip


@hooks.register("register_admin_menu_item")
def register_import_menu_item():
    return import_menu_item()
