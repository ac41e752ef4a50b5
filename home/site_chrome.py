"""What every page around its content shows, the same for all visitors: the main menu
entries and the DEC's contact details in the footer. Each process keeps them per site
for the current content generation (imagin_site/common/page_cache.py), which every edit of pages or
settings renews, so logged-in pages (portal, previews) skip three queries and two site
lookups without ever showing a stale menu or address."""

from dataclasses import dataclass

from wagtail.models import Site

from imagin_site.common import page_cache
from imagin_site.common.process_memo import VersionedMemo

_memo = VersionedMemo(page_cache.generation)  # per host


@dataclass(frozen=True)
class MenuEntry:
    title: str
    url: str
    url_path: str


@dataclass(frozen=True)
class SiteChrome:
    menu: tuple
    contact: object  # ContactSettings, read-only


def site_chrome(request):
    host = request.get_host() if request is not None else ""
    return _memo.get(host, lambda: _load(request))


def forget():
    _memo.clear()


def _load(request):
    from home.models import ContactSettings

    site = Site.find_for_request(request) if request is not None else None
    site = site or Site.objects.filter(is_default_site=True).first()
    menu = ()
    if site is not None:
        pages = site.root_page.get_children().live().in_menu().only("title", "url_path")
        menu = tuple(MenuEntry(p.title, p.get_url(request), p.url_path) for p in pages)
    contact = ContactSettings.for_site(site) if site is not None else ContactSettings()
    return SiteChrome(menu=menu, contact=contact)
