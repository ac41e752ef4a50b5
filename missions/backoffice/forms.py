"""Forms and form-field defaults of the staff admin."""

from django.db import models
from wagtail.admin.forms.auth import LoginForm
from wagtail.admin.forms.models import register_form_field_override

from missions.widgets import DocumentInput


class StaffLoginForm(LoginForm):
    """Wagtail's login form names its password field from the attribute: "Password"."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["password"].label = "Mot de passe"


register_form_field_override(models.FileField, override={"widget": DocumentInput})
