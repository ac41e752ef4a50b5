"""Form widgets shared by the staff admin and the intervenant's space."""

import os

from django import forms


class DocumentInput(forms.ClearableFileInput):
    """A file input that says in plain French which file is already stored, instead of
    Django's "Actuellement : … Effacer / Modifier :". Shows the file's name only: stored
    files are private and served by their own views, never by the storage URL."""

    template_name = "missions/widgets/document_input.html"
    clear_checkbox_label = "Retirer ce fichier"

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        if self.is_initial(value):
            context["widget"]["file_name"] = os.path.basename(value.name)
        return context
