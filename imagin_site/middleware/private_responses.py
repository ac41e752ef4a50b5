"""No shared cache and no browser history keeps what a logged-in person was shown: the
portal's dossier shows an IBAN, the admin every payment file."""

from django.utils.cache import patch_cache_control


class PrivateResponseMiddleware:
    """`Cache-Control: private, no-store` on every response to an authenticated request
    (pages, PDFs, receipts, exports). Placed after authentication."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            response.headers.pop("Cache-Control", None)
            patch_cache_control(response, private=True, no_store=True, max_age=0)
        return response
