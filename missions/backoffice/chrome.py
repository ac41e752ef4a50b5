"""The admin's chrome kept per process: the sidebar (main menu, account menu, search area),
the keyboard shortcuts dialog and the admin's settings for its scripts (`wagtail_config`,
but its CSRF token) are the same HTML for every page a user opens while their
permissions stay the same, but Wagtail builds them anew on every page (the menu asks every
item's permissions, twice per submenu): a fifth of a listing's time.

Each is rendered by Wagtail's own tag the first time and kept under a key made of what it
shows: the language, the user's account fields, groups and permissions, their Wagtail
profile (avatar, dismissed "what's new" items, shortcuts setting) and a version in the
shared cache that every change to what else the menu reads renews: groups and their
permissions, memberships, Wagtail's page, collection and site permissions, pages, sites,
collections, locales (see `connect_signals`). The CSP nonce, the CSRF token and the messages
are not part of them: they stay per request. Menu items whose visibility depends on
anything else must not be added without a key for it: tests/missions/test_admin_chrome.py
lists the item classes whose `is_shown` the key covers."""

import json
import uuid

from django import template
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.middleware.csrf import get_token
from django.urls import get_script_prefix
from django.utils.functional import Promise
from django.utils.safestring import SafeString
from django.utils.translation import get_language

from imagin_site.common.process_memo import shared_version
from missions.permissions import group_names

VERSION_KEY = "backoffice:admin-chrome-version"
# Entries kept per process; past it they are all dropped (a handful of keys per staff user).
MAX_ENTRIES = 2_000
_kept = {}
# False: every tag renders as Wagtail renders it (tests compare the two).
enabled = True


def version():
    return shared_version(VERSION_KEY)


def bump(**kwargs):
    """A new version at once (the writing request's next render) and again at commit (a
    process that rendered in between, still seeing the old rows, drops its copy)."""
    _renew()
    transaction.on_commit(_renew)


def _renew():
    cache.set(VERSION_KEY, uuid.uuid4().hex, timeout=None)


def forget():
    _kept.clear()
    _pure.clear()


def _user_state(request):
    """What the sidebar shows of the user and what decides which items it shows, or None
    (not kept) for a visitor without an account. Once per request."""
    if not hasattr(request, "_admin_chrome_state"):
        request._admin_chrome_state = _read_user_state(request)
    return request._admin_chrome_state


def _read_user_state(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    profile = getattr(user, "wagtail_userprofile", None)
    profile_state = None
    if profile is not None:
        profile_state = json.dumps(
            [[f.attname, str(f.value_from_object(profile))] for f in profile._meta.concrete_fields]
            + [["dismissibles", profile.dismissibles]],
            sort_keys=True,
            default=str,
        )
    # The superuser has every permission: Django reads the whole table to list them.
    permissions = None if user.is_superuser else frozenset(user.get_all_permissions())
    return (
        user.pk,
        user.get_username(),
        user.first_name,
        user.last_name,
        user.email,
        user.is_active,
        user.is_staff,
        user.is_superuser,
        frozenset(group_names(user)),
        permissions,
        profile_state,
    )


def _sidebar_key(context):
    state = _user_state(context["request"])
    return None if state is None else ("sidebar", get_language(), state)


def _shortcuts_key(context):
    """The dialog shows the shortcuts of the user's system (User-Agent), whether they are
    turned on (profile) and whether comments are."""
    from wagtail.admin.templatetags.wagtailadmin_tags import get_comments_enabled

    request = context.get("request")
    state = _user_state(request) if request is not None else None
    if state is None:
        return None
    user_agent = request.headers.get("User-Agent", "")
    profile = getattr(request.user, "wagtail_userprofile", None)
    return (
        "shortcuts",
        get_language(),
        any(system in user_agent for system in ("Mac", "iPod", "iPhone", "iPad")),
        bool(getattr(profile, "keyboard_shortcuts", True)) if profile is not None else True,
        bool(get_comments_enabled()),
    )


class KeptNode(template.Node):
    """Wraps a compiled Wagtail tag: its output rendered once per key and version."""

    def __init__(self, node, key):
        self.node, self.key = node, key

    def render(self, context):
        key = self.key(context) if enabled else None
        if key is None:
            return self.node.render_annotated(context)
        current = _request_version(context.get("request"))
        kept = _kept.get(key)
        if kept is not None and kept[0] == current:
            return kept[1]
        html = self.node.render_annotated(context)
        _keep(key, (current, html))
        return html


def _request_version(request):
    """The version, read once per request."""
    current = getattr(request, "_admin_chrome_version", None)
    if current is None:
        current = version()
        if request is not None:
            request._admin_chrome_version = current
    return current


def _keep(key, entry):
    if len(_kept) >= MAX_ENTRIES:
        _kept.clear()
    _kept[key] = entry


# Tags whose output depends on their arguments alone (and the language): `{% icon %}` (an
# SVG reference, 15 renders of its template a page), `{% versioned_static %}` (a static
# file's URL with Wagtail's version, 16 a page) and `{% breadcrumbs %}` (the items given),
# written once per arguments. And `{% component %}` of Wagtail's plain buttons (ButtonNode).
PURE_TAGS = ("icon", "versioned_static", "breadcrumbs")
_pure = {}


class PureNode(template.Node):
    def __init__(self, node, name):
        self.node, self.name = node, name

    def render(self, context):
        if not enabled or getattr(self.node, "target_var", None) is not None:
            return self.node.render_annotated(context)
        args, kwargs = self.node.get_resolved_arguments(context)
        key = _pure_key(self.name, context, args, kwargs)
        if key is None:
            return self.node.render_annotated(context)
        html = _pure.get(key)
        if html is None:
            html = self.node.render_annotated(context)
            if len(_pure) >= MAX_ENTRIES:
                _pure.clear()
            _pure[key] = html
        return html


def _pure_key(name, context, args, kwargs):
    """The arguments as a key, or None for an argument that is not plain data."""
    parts = [_plain(value) for value in args]
    parts += [(key, _plain(value)) for key, value in sorted(kwargs.items())]
    if _UNKEYED in parts or any(part[1] is _UNKEYED for part in parts[len(args) :]):
        return None
    return (name, get_language(), context.autoescape, tuple(parts))


_UNKEYED = object()


def _plain(value):
    """A hashable copy of plain data, its types kept (a safe string is not escaped), or
    _UNKEYED."""
    if isinstance(value, Promise):
        return ("str", str(value))  # a lazy translation: written escaped, as a str
    if value is None or type(value) in (str, SafeString, bool, int):
        return (type(value).__name__, value)
    if type(value) in (list, tuple, dict):
        pairs = value.items() if type(value) is dict else enumerate(value)
        items = tuple((key, _plain(item)) for key, item in pairs)
        if any(item is _UNKEYED for _, item in items):
            return _UNKEYED
        return (type(value).__name__, items)
    return _UNKEYED


class ButtonNode(template.Node):
    """`{% component button %}` for Wagtail's plain buttons (header buttons, dropdowns of
    buttons): their templates show their attributes alone, written once per attributes."""

    def __init__(self, node):
        self.node = node

    def render(self, context):
        node = self.node
        plain = not (node.extra_context or node.isolated_context or node.target_var)
        if not enabled or not plain or node.fallback_render_method:
            return node.render_annotated(context)
        key = _button_key(node.component.resolve(context))
        if key is _UNKEYED:
            return node.render_annotated(context)
        key = ("button", get_language(), context.autoescape, key)
        html = _pure.get(key)
        if html is None:
            html = node.render_annotated(context)
            if len(_pure) >= MAX_ENTRIES:
                _pure.clear()
            _pure[key] = html
        return html


def _button_key(button):
    """Every attribute of a plain Wagtail button (a dropdown's buttons too), or _UNKEYED."""
    from wagtail.admin.widgets.button import Button, ButtonWithDropdown, HeaderButton

    if type(button) not in (Button, HeaderButton, ButtonWithDropdown):
        return _UNKEYED
    parts = []
    for name, value in sorted(vars(button).items()):
        if name == "dropdown_buttons" and type(value) in (list, tuple):
            value = tuple(_button_key(item) for item in value)
            found = _UNKEYED if _UNKEYED in value else ("buttons", value)
        else:
            found = _plain(value)
        if found is _UNKEYED:
            return _UNKEYED
        parts.append((name, found))
    return (type(button).__name__, tuple(parts))


def _config_key(context):
    """What `wagtail_config` shows besides the CSRF token: the admin's URLs (under the
    script prefix), the locales (their table renews the version), the translated strings
    (language), the content locale of the page and the user's shortcuts setting."""
    request = context.get("request")
    if request is None or _user_state(request) is None:
        return None
    locale = context.get("locale")
    profile = getattr(request.user, "wagtail_userprofile", None)
    return (
        "config",
        get_language(),
        get_script_prefix(),
        getattr(locale, "language_code", None) if locale else None,
        bool(profile.keyboard_shortcuts) if profile is not None else True,
    )


def kept_wagtail_config(original):
    """Wagtail's `wagtail_config` tag, its dict kept but for the request's CSRF token."""

    def wagtail_config(context):
        key = _config_key(context) if enabled else None
        if key is None:
            return original(context)
        kept = _kept.get(key)
        current = _request_version(context.get("request"))
        if kept is None or kept[0] != current:
            kept = (current, original(context))
            _keep(key, kept)
        return {**kept[1], "CSRF_TOKEN": get_token(context["request"])}

    wagtail_config.kept = True
    return wagtail_config


def install():
    """Replaces Wagtail's `sidebar_props` and `keyboard_shortcuts_dialog` tags by kept ones
    (before any admin template is compiled: called from the app's ready())."""
    from wagtail.admin.templatetags.wagtailadmin_tags import register

    kept = {"sidebar_props": _sidebar_key, "keyboard_shortcuts_dialog": _shortcuts_key}
    for name, key in kept.items():
        _wrap_tag(register, name, lambda node, key=key: KeptNode(node, key))
    for name in PURE_TAGS:
        _wrap_tag(register, name, lambda node, name=name: PureNode(node, name))
    _wrap_tag(register, "component", ButtonNode)
    from wagtail.admin.templatetags import wagtailadmin_tags

    if not getattr(wagtailadmin_tags.wagtail_config, "kept", False):
        function = kept_wagtail_config(wagtailadmin_tags.wagtail_config)
        register.simple_tag(function, takes_context=True, name="wagtail_config")
    connect_signals()


def _wrap_tag(register, name, wrap):
    """Wagtail's tag `name` compiled into `wrap(its node)`; once, however often installed."""
    original = register.tags[name]
    if getattr(original, "kept", False):
        return

    def compile_wrapped(parser, token):
        return wrap(original(parser, token))

    compile_wrapped.kept = True
    register.tags[name] = compile_wrapped


def connect_signals():
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group, Permission
    from wagtail.models import (
        Collection,
        GroupCollectionPermission,
        GroupPagePermission,
        GroupSitePermission,
        Locale,
        Page,
        Site,
    )
    from wagtail.signals import post_page_move

    user = get_user_model()
    watched = (
        Group,
        Permission,
        GroupPagePermission,
        GroupCollectionPermission,
        GroupSitePermission,
        Page,  # and its subclasses: any page saved, moved or deleted
        Collection,
        Site,
        Locale,
        # Memberships and grants written through their tables directly. Django sends no
        # post_save or post_delete for these auto-created models: such writes are covered by
        # the key (the user's groups and permissions, read on every request), not by this.
        Group.permissions.through,
        user.groups.through,
        user.user_permissions.through,
    )

    def changed(sender, **kwargs):
        if issubclass(sender, watched):
            bump()

    post_save.connect(changed, dispatch_uid="admin-chrome-save", weak=False)
    post_delete.connect(changed, dispatch_uid="admin-chrome-delete", weak=False)
    for through in (Group.permissions.through, user.groups.through, user.user_permissions.through):
        m2m_changed.connect(
            bump, sender=through, dispatch_uid=f"admin-chrome-{through._meta.label_lower}"
        )
    post_page_move.connect(bump, dispatch_uid="admin-chrome-page-moved")
