"""Mes missions, a mission's page with its entry forms and computed amounts, validation,
the receipts and the PDF récapitulatif."""

import datetime
from itertools import groupby

from django.contrib import messages
from django.db import IntegrityError
from django.db.models import Prefetch
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.utils import timezone
from django.views import View
from django.views.generic import TemplateView

from imagin_site.common.params import parse_pk
from missions.enums import EDITABLE_STATUSES, PartStatus
from missions.models import FeePart, MealLine, Mission, NightLine, Session, TravelLeg, WorkLine
from missions.portal import page_cache
from missions.portal.access import IntervenantRequiredMixin
from missions.portal.forms import LINE_FORMS, SubmitForm
from missions.portal.mission_file import build_mission_file
from missions.services.entry import EntryError, delete_line, save_line, submit

DEADLINE_SOON_DAYS = 7
LINE_MODELS = {"travail": WorkLine, "trajet": TravelLeg, "repas": MealLine, "nuitee": NightLine}


class MissionListView(IntervenantRequiredMixin, TemplateView):
    template_name = "missions/portal/mission_list.html"

    def get(self, request, *args, **kwargs):
        # Only the intervenant's own missions: the cache key holds the user and the
        # intervenant, the variant the filters as the page reads them.
        session_id = parse_pk(request.GET.get("session")) or ""
        status = request.GET.get("statut") or ""
        return page_cache.page(
            request,
            self.intervenant,
            "missions",
            f"{session_id}:{status if status in PartStatus.values else ''}",
            lambda: page_cache.render(self.template_name, self.get_context_data(), request),
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        today = timezone.localdate()
        # Only the relations the list shows: every extra join costs planning time in
        # PostgreSQL on each request, more than the rows themselves.
        missions = (
            Mission.objects.issued()
            .for_intervenant(self.intervenant)
            .select_related("session", "activity", "centre__island", "etat")
            .prefetch_related(Prefetch("etat__parts", queryset=FeePart.objects.order_by("-nature")))
            .order_by("-session__start_date", "session_id", "start_date")
        )
        session_id = parse_pk(self.request.GET.get("session"))
        status = self.request.GET.get("statut") or ""
        if session_id:
            missions = missions.filter(session_id=session_id)
        if status in PartStatus.values:
            missions = missions.filter(etat__parts__status=status).distinct()
        missions = list(missions)
        for mission in missions:
            mission.parts = list(mission.etat.parts.all())
            mission.deadline = mission.etat.entry_deadline
            mission.needs_action = any(p.status in EDITABLE_STATUSES for p in mission.parts)
            mission.deadline_soon = (
                mission.needs_action
                and today <= mission.deadline <= today + datetime.timedelta(DEADLINE_SOON_DAYS)
            )
        context.update(
            intervenant=self.intervenant,
            to_do=[m for m in missions if m.needs_action and m.deadline >= today],
            groups=[
                (session, list(items))
                for session, items in groupby(missions, key=lambda m: m.session)
            ],
            sessions=Session.objects.filter(missions__intervenant=self.intervenant)
            .distinct()
            .order_by("-start_date"),
            statuses=PartStatus.choices,
            selected_session=str(session_id or ""),
            selected_status=status,
            today=today,
        )
        return context


class MissionDetailView(IntervenantRequiredMixin, TemplateView):
    template_name = "missions/portal/mission_detail.html"

    def get(self, request, pk):
        # Ownership: own_mission() in get_context_data, at every rendering; see page_cache.page
        # for why a stored copy may be served without asking the database again.
        return page_cache.page(
            request,
            self.intervenant,
            "mission",
            pk,
            lambda: page_cache.render(self.template_name, self.get_context_data(), request),
        )

    def get_context_data(self, forms=None, submit_form=None, **kwargs):
        context = super().get_context_data(**kwargs)
        mission = self.own_mission(self.kwargs["pk"])
        context["file"] = build_mission_file(mission, forms=forms)
        context["submit_form"] = submit_form or SubmitForm()
        context["invalid_forms"] = [*(forms or {}).values(), submit_form]  # error summary
        return context


class AddLineView(IntervenantRequiredMixin, View):
    def post(self, request, pk, kind):
        if kind not in LINE_FORMS:
            raise Http404
        mission = self.own_mission(pk)
        form_class, nature = LINE_FORMS[kind]
        part = get_object_or_404(FeePart, etat__mission=mission, nature=nature)
        form = form_class(request.POST, request.FILES, mission=mission, part=part)
        if form.is_valid():
            try:
                save_line(part, form.save(commit=False))
            except EntryError as error:
                messages.error(request, str(error))
            except IntegrityError:
                # Two identical submissions at once: the database kept the first one.
                form.add_error(None, "Cette ligne est déjà déclarée.")
                return render_mission(request, self.intervenant, pk, status=400, forms={kind: form})
            else:
                messages.success(request, "Ligne ajoutée ; les montants sont recalculés.")
                return render_mission(request, self.intervenant, pk, status=200)
        view = MissionDetailView(request=request, kwargs={"pk": pk})
        view.intervenant = self.intervenant
        context = view.get_context_data(forms={kind: form})
        return HttpResponse(render_to_string(view.template_name, context, request), status=400)


class DeleteLineView(IntervenantRequiredMixin, View):
    def post(self, request, pk, kind, line_pk):
        if kind not in LINE_MODELS:
            raise Http404
        mission = self.own_mission(pk)
        line = get_object_or_404(LINE_MODELS[kind], pk=line_pk, part__etat__mission=mission)
        try:
            delete_line(line.part, line)
        except EntryError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, "Ligne supprimée.")
        return redirect(f"{mission_url(mission)}#{line.part.nature}")


class SubmitView(IntervenantRequiredMixin, View):
    def post(self, request, pk):
        mission = self.own_mission(pk)
        form = SubmitForm(request.POST)
        if not form.is_valid():
            return render_mission(request, self.intervenant, pk, status=400, submit_form=form)
        try:
            submit(mission.etat, request.user)
        except EntryError as error:
            messages.error(request, str(error))
            return redirect(f"{mission_url(mission)}#valider")
        messages.success(
            request,
            "Votre saisie est validée et transmise au centre d'épreuves pour l'attestation "
            "du service fait.",
        )
        return render_mission(request, self.intervenant, pk, status=200)


class ReceiptView(IntervenantRequiredMixin, View):
    """A receipt of one of the intervenant's own lines; anyone else's is a 404."""

    def get(self, request, kind, line_pk):
        if kind not in LINE_MODELS or kind in ("repas", "nuitee"):
            raise Http404
        line = get_object_or_404(
            LINE_MODELS[kind],
            pk=line_pk,
            part__etat__mission__intervenant=self.intervenant,
        )
        if not line.receipt:
            raise Http404
        return FileResponse(
            line.receipt.open("rb"),
            as_attachment=True,
            filename=f"justificatif-{kind}-{line.pk}{suffix(line.receipt.name)}",
        )


class RecapPdfView(IntervenantRequiredMixin, View):
    def get(self, request, pk):
        from missions.portal.recap import render_recap_pdf

        mission = self.own_mission(pk)
        pdf = render_recap_pdf(mission)
        response = HttpResponse(pdf, content_type="application/pdf")
        name = f"recapitulatif-{mission.convocation_number or mission.pk}.pdf"
        response["Content-Disposition"] = f'inline; filename="{name}"'
        return response


def render_mission(request, intervenant, pk, status, **context):
    """The mission page, updated, in answer to a form: with the rejected form and its errors
    (400), or after a saved line or a validation (200) rather than a redirect to it, one
    round trip less on a satellite link (issue 16). The page names its own address, which
    imagin.js puts in the address bar, so that reloading reads it without posting."""
    view = MissionDetailView(request=request, kwargs={"pk": pk})
    view.intervenant = intervenant
    html = render_to_string(view.template_name, view.get_context_data(**context), request)
    return HttpResponse(html, status=status)


def mission_url(mission):
    from django.urls import reverse

    return reverse("portal:mission", args=[mission.pk])


def suffix(name):
    return name[name.rfind(".") :] if "." in name else ""
