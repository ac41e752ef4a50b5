from django.apps import AppConfig, apps


class HomeConfig(AppConfig):
    name = "home"
    verbose_name = "Accueil et paramètres du site"

    def ready(self):
        from wagtail import signals
        from wagtail.contrib.redirects.models import Redirect
        from wagtail.contrib.settings.models import BaseGenericSetting, BaseSiteSetting
        from wagtail.documents import get_document_model
        from wagtail.images import get_image_model
        from wagtail.models import (
            CollectionViewRestriction,
            PageViewRestriction,
            Site,
            get_page_models,
        )

        from imagin_site.common import page_cache

        # What every public page may show: the page tree (menus, breadcrumbs, sitemap), its
        # privacy, the site settings (footer, contact), documents and redirects.
        site_settings = [
            model
            for model in apps.get_models()
            if issubclass(model, (BaseSiteSetting, BaseGenericSetting))
        ]
        page_cache.invalidate_on_change(
            *get_page_models(),
            PageViewRestriction,
            CollectionViewRestriction,
            Site,
            Redirect,
            get_document_model(),
            get_image_model(),
            *site_settings,
        )
        # Moves (and the unpublishing of descendants) write through queryset updates, which
        # send no post_save: Wagtail's own signals cover them.
        for signal in (
            signals.page_published,
            signals.page_unpublished,
            signals.post_page_move,
            signals.published,
            signals.unpublished,
        ):
            signal.connect(page_cache.invalidate, dispatch_uid="pagecache")
