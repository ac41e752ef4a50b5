import re

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET
from wagtail.models import Page, Site

RESULTS_PER_PAGE = 10


def search_terms(text):
    """The words of a query: quotes, operators and control characters mean nothing to a
    reader and break some backends' query syntax (SQLite FTS on a lone \")."""
    return " ".join(re.sub(r"[^\w'’-]+", " ", text[:200]).split())


@require_GET
def search(request):
    """Full-text search over the live public pages of the site."""
    query = search_terms(request.GET.get("q", ""))
    results = None
    if query:
        site = Site.find_for_request(request)
        pages = Page.objects.live().public()
        if site is not None:
            pages = pages.descendant_of(site.root_page, inclusive=True)
        results = Paginator(pages.search(query), RESULTS_PER_PAGE).get_page(request.GET.get("page"))
        # One query per page type for the lead texts, rather than one per result.
        specific = {p.pk: p for p in Page.objects.filter(pk__in=[r.pk for r in results]).specific()}
        results.object_list = [specific.get(r.pk, r) for r in results]
    return TemplateResponse(request, "home/search.html", {"query": query, "results": results})


@require_GET
@cache_control(max_age=60 * 60 * 24)
def robots_txt(request):
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /espace/",
        "Disallow: /recherche/",
        f"Sitemap: {request.build_absolute_uri('/sitemap.xml')}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
