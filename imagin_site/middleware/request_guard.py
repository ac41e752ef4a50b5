"""Parameters no form or browser sends: a NUL character in a query string or a form field is
refused with a plain French 400, before any view hands it to the database (PostgreSQL refuses
NUL in text and the request would end in a server error)."""

from django.http import HttpResponseBadRequest

MESSAGE = "Requête invalide : un paramètre contient un caractère interdit."


def _has_nul(query_dict):
    return any(
        "\x00" in key or any("\x00" in v for v in values) for key, values in query_dict.lists()
    )


class RejectNulBytesMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if "\x00" in request.path or _has_nul(request.GET):
            return HttpResponseBadRequest(MESSAGE, content_type="text/plain; charset=utf-8")
        if request.method == "POST" and _has_nul(request.POST):
            return HttpResponseBadRequest(MESSAGE, content_type="text/plain; charset=utf-8")
        return None
