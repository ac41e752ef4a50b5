"""Snippet edit and delete views that refuse to change a locked record (services.locks):
the edit form is shown read-only with the reason, a POST is refused and changes nothing,
deletion is refused. The reason comes from the viewset's `lock_reason(obj)`."""

from django import forms
from django.contrib import messages
from django.contrib.admin.utils import quote
from django.shortcuts import redirect
from django.utils.html import format_html
from wagtail.snippets.views.snippets import DeleteView, EditView

from missions.enums import BatchStatus
from missions.models.locks import lock_reason, part_lock_reason


class LockedMixin:
    @staticmethod
    def lock_reason(obj):
        return ""

    def current_lock_reason(self):
        obj = getattr(self, "object", None) or self.get_object()
        return self.lock_reason(obj)


class ReadOnlyActions:
    """In place of the save menu of a locked record: no button, a sentence."""

    media = forms.Media()

    def render_html(self):
        return format_html(
            '<p class="help" data-locked-actions>{}</p>',
            "Lecture seule : aucun enregistrement possible.",
        )


class LockedEditView(LockedMixin, EditView):
    def _get_action_menu(self):
        if self.current_lock_reason():
            return ReadOnlyActions()
        return super()._get_action_menu()

    def get(self, request, *args, **kwargs):
        if reason := self.current_lock_reason():
            messages.warning(request, f"Lecture seule. {reason}")
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        if reason := self.current_lock_reason():
            messages.error(request, f"Modification refusée. {reason}")
            return redirect(self.request.path)
        return super().post(request, *args, **kwargs)

    def get_form(self, *args, **kwargs):
        form = super().get_form(*args, **kwargs)
        if self.current_lock_reason():
            for field in form.fields.values():
                field.disabled = True
        return form

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["locked_reason"] = self.current_lock_reason()
        return context


class LockedDeleteView(LockedMixin, DeleteView):
    def dispatch(self, request, *args, **kwargs):
        if reason := self.current_lock_reason():
            messages.error(request, f"Suppression refusée. {reason}")
            return redirect(self.edit_url_name, quote(self.object.pk))
        return super().dispatch(request, *args, **kwargs)


class MissionEditView(LockedEditView):
    lock_reason = staticmethod(lock_reason)


class MissionDeleteView(LockedDeleteView):
    lock_reason = staticmethod(lock_reason)


class FeePartEditView(LockedEditView):
    lock_reason = staticmethod(part_lock_reason)


class FeePartDeleteView(LockedDeleteView):
    lock_reason = staticmethod(part_lock_reason)


def batch_lock_reason(batch):
    if batch.status == BatchStatus.DRAFT:
        return ""
    return (
        f"Le lot {batch.number} est {batch.get_status_display().lower()} : ses fichiers sont "
        "scellés, il se gère depuis « Mises en paiement »."
    )


class PaymentBatchEditView(LockedEditView):
    lock_reason = staticmethod(batch_lock_reason)


class PaymentBatchDeleteView(LockedDeleteView):
    lock_reason = staticmethod(batch_lock_reason)
