"""Pages of the public site, built without the seed (plain add_child, published)."""

from wagtail.models import Page, Site

from home.models import ContactPage, ContentPage, HomePage, SitemapPage


def publish(parent, page):
    parent.add_child(instance=page)
    page.save_revision().publish()
    page.refresh_from_db()
    return page


def home_page(**fields):
    """The site's home page, as the default site's root (Wagtail's placeholder removed)."""
    root = Page.get_first_root_node()
    home = HomePage.objects.first()
    if home is None:
        home = publish(root, HomePage(title="IMAG'IN Polynésie", slug="accueil", **fields))
    Site.objects.update_or_create(
        is_default_site=True,
        defaults={"hostname": "localhost", "port": 80, "root_page": home},
    )
    for placeholder in root.get_children().not_type(HomePage):
        placeholder.delete()
    return home


def contact_page(parent=None, **fields):
    fields.setdefault("title", "Contact")
    fields.setdefault("slug", "contact")
    return publish(parent or home_page(), ContactPage(**fields))


def content_page(parent=None, body=(), **fields):
    fields.setdefault("title", "Mentions légales")
    fields.setdefault("slug", "mentions-legales")
    return publish(parent or home_page(), ContentPage(body=list(body), **fields))


def sitemap_page(parent=None, **fields):
    fields.setdefault("title", "Plan du site")
    fields.setdefault("slug", "plan-du-site")
    return publish(parent or home_page(), SitemapPage(**fields))


def seed_public_site():
    """The demo page tree with its content, without the (slow) missions demo data."""
    from home.demo import pages as demo_pages
    from home.demo import site as demo

    return demo_pages.seed_public_pages(demo.seed_home_page())
