"""The public request form, served by IntervenantRequestPage's routes."""

from django.shortcuts import redirect
from django.template.response import TemplateResponse

from regulations import services
from regulations.forms import IntervenantRequestForm

SESSION_KEY = "intervenant_request_reference"
RATE_LIMITED = (
    "Trop de demandes ont été envoyées depuis votre connexion. Réessayez dans une heure "
    "ou contactez la DEC."
)


def request_form(request, page):
    form = IntervenantRequestForm()
    if request.method == "POST":
        form = IntervenantRequestForm(request.POST, request.FILES)
        if not services.allow_submission(request):
            form.add_error(None, RATE_LIMITED)
        elif form.is_valid():
            try:
                record = services.submit_request(form)
            except services.DuplicateRequest as duplicate:
                form.add_error(None, str(duplicate))
            else:
                request.session[SESSION_KEY] = record.reference
                return redirect(page.url + page.reverse_subpage("confirmation_view"))
    context = page.get_context(request)
    context["form"] = form
    return TemplateResponse(request, page.get_template(request), context)


def request_confirmation(request, page):
    reference = request.session.pop(SESSION_KEY, None)
    if reference is None:
        return redirect(page.url)
    context = page.get_context(request)
    context["reference"] = reference
    return TemplateResponse(request, "regulations/intervenant_request_confirmation.html", context)
