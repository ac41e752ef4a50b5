"""`{% csp_nonce %}`: the admin response's CSP nonce, for the inline scripts Wagtail's own
templates write (see imagin_site.middleware.csp)."""

from django import template

from imagin_site.middleware.csp import current_nonce

register = template.Library()


@register.simple_tag
def csp_nonce():
    return current_nonce()
