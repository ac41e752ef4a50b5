"""The project's base forms: DSFR rendering for every public and portal form."""

from django import forms
from dsfr.forms import DsfrBaseForm
from dsfr.utils import dsfr_input_class_attr

HONEYPOT_FIELD = "site_web"


class DsfrRefreshMixin:
    """DsfrBaseForm styles the fields and caches their bound fields (labels included) in
    its __init__: a form that changes a label or a widget afterwards calls refresh_fields()."""

    def refresh_fields(self):
        self._bound_fields_cache.clear()
        for visible in self.visible_fields():
            dsfr_input_class_attr(visible)


class BaseForm(DsfrRefreshMixin, DsfrBaseForm):
    """Every form of the public site and of the portal."""


class BaseModelForm(DsfrRefreshMixin, DsfrBaseForm, forms.ModelForm):
    """A model form rendered with the DSFR."""


class HoneypotMixin:
    """A field hidden from people but filled in by spam robots: such a submission is refused.

    The field sits in a container that is not displayed, so it is neither seen, focused nor
    read by assistive technologies.
    """

    honeypot_error = "Votre envoi n'a pas pu être pris en compte. Réessayez plus tard."

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields[HONEYPOT_FIELD] = forms.CharField(
            label="Ne pas remplir ce champ",
            required=False,
            widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
        )

    @property
    def honeypot(self):
        return self[HONEYPOT_FIELD]

    def visible_fields(self):
        return [field for field in super().visible_fields() if field.name != HONEYPOT_FIELD]

    def is_spam(self):
        return bool(self.data.get(HONEYPOT_FIELD))

    def clean(self):
        cleaned_data = super().clean()
        if self.is_spam():
            raise forms.ValidationError(self.honeypot_error, code="spam")
        return cleaned_data


class PublicForm(HoneypotMixin, BaseForm):
    """A form open to anonymous visitors."""


class PublicModelForm(HoneypotMixin, BaseModelForm):
    """A model form open to anonymous visitors."""
