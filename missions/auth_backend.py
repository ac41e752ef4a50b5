"""Django's model backend, whose per-request user lookup also brings the intervenant
behind the account and its Wagtail profile (one query instead of two on every portal page
and every admin page).

That lookup runs on every logged-in request, and compiling it through the ORM cost more than
running it (about a third of a cached portal page). Its SQL is therefore written once per
process and database, from the models' own columns, and the rows are turned into model
instances as the ORM does: the database's converters, then Model.from_db. The row is read
afresh at every request; nothing about the account is kept between requests.

What the account may do is read afresh too, in one query per request (`access`): its group
names, its own permissions and its groups' permissions, which Django and this project asked
in three (the second-factor check, the scoped-access check and Wagtail's own checks each
need them).
"""

from functools import cache
from typing import NamedTuple

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db import connections, router


class AccountBackend(ModelBackend):
    def get_user(self, user_id):
        user_model = get_user_model()
        try:
            user_id = user_model._meta.pk.to_python(user_id)
        except Exception:  # a malformed session value: nobody, as Django's lookup would say
            return None
        user = account_lookup(router.db_for_read(user_model)).get(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None

    # ModelBackend's answers (every permission for a superuser, none for an inactive
    # account or for an object), from the one query of `access`.
    def get_user_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        return set(access(user_obj).user_permissions)

    def get_group_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        return set(access(user_obj).group_permissions)


@cache
def account_lookup(alias):
    return AccountLookup(alias)


# The account's rows read with it, through reverse one-to-one relations: the intervenant
# (every portal page) and Wagtail's profile (every admin page reads its language, time zone
# and theme).
WITH_ACCOUNT = ("intervenant", "wagtail_userprofile")


class AccountLookup:
    """`get(pk)`: the user with `user.intervenant` and `user.wagtail_userprofile` already
    loaded (or known absent), like `select_related(*WITH_ACCOUNT).get(pk=pk)`, or None."""

    def __init__(self, alias):
        self.alias = alias
        user_model = get_user_model()
        self.relations = [user_model._meta.get_field(name) for name in WITH_ACCOUNT]
        connection = connections[alias]
        quote = connection.ops.quote_name
        # per model, the user's first: [(column, converters)]
        self.columns = [_columns(connection, user_model, "u")] + [
            _columns(connection, relation.related_model, f"r{n}")
            for n, relation in enumerate(self.relations)
        ]
        selected = [f"{column.alias}.{quote(column.target.column)}"
                    for columns in self.columns for column, _ in columns]  # fmt: skip
        user_pk = quote(user_model._meta.pk.column)
        joins = "".join(
            f" LEFT OUTER JOIN {quote(relation.related_model._meta.db_table)} r{n}"
            f" ON u.{user_pk} = r{n}.{quote(relation.field.column)}"
            for n, relation in enumerate(self.relations)
        )
        # Only quoted names from the models' metadata go in; the key is a parameter.
        self.sql = (
            f"SELECT {', '.join(selected)} FROM {quote(user_model._meta.db_table)} u"  # noqa: S608
            f"{joins} WHERE u.{user_pk} = %s"
        )

    def get(self, pk):
        connection = connections[self.alias]
        with connection.cursor() as cursor:
            cursor.execute(self.sql, [pk])
            row = cursor.fetchone()
        if row is None:
            return None
        user_columns, *related_columns = self.columns
        user = self._instance(get_user_model(), user_columns, row[: len(user_columns)])
        start = len(user_columns)
        for relation, columns in zip(self.relations, related_columns, strict=True):
            values = row[start : start + len(columns)]
            start += len(columns)
            model = relation.related_model
            related = None
            if values[[c.target for c, _ in columns].index(model._meta.pk)] is not None:
                related = self._instance(model, columns, values)
                related._state.fields_cache[relation.field.cache_name] = user
            # None cached too: the accessor then raises without a query, as after
            # select_related.
            user._state.fields_cache[relation.cache_name] = related
        return user

    def _instance(self, model, columns, values):
        return _instance(self.alias, model, columns, values)


def _columns(connection, model, table_alias):
    """[(column, its converters)] of the model's concrete fields."""
    found = []
    for field in model._meta.concrete_fields:
        column = field.get_col(table_alias)
        found.append(
            (
                column,
                connection.ops.get_db_converters(column) + column.get_db_converters(connection),
            )
        )
    return found


def _instance(alias, model, columns, values):
    """The model instance of a row, as the ORM makes it: converters, then from_db."""
    connection = connections[alias]
    converted = []
    for (column, converters), value in zip(columns, values, strict=True):
        for converter in converters:
            value = converter(value, column, connection)
        converted.append(value)
    names = [column.target.attname for column, _ in columns]
    return model.from_db(alias, names, converted)


@cache
def row_lookup(model, alias):
    return RowLookup(model, alias)


class RowLookup:
    """`get(pk)`: the row of `model` with that primary key, or None, like
    `model._default_manager.filter(pk=pk).first()` without building the query each time (a
    second-factor device on every staff request)."""

    def __init__(self, model, alias):
        self.model, self.alias = model, alias
        connection = connections[alias]
        quote = connection.ops.quote_name
        self.columns = _columns(connection, model, "r")
        selected = ", ".join(f"r.{quote(column.target.column)}" for column, _ in self.columns)
        # Only quoted names from the model's metadata go in; the key is a parameter.
        self.sql = (
            f"SELECT {selected} FROM {quote(model._meta.db_table)} r "  # noqa: S608
            f"WHERE r.{quote(model._meta.pk.column)} = %s"
        )

    def get(self, pk):
        with connections[self.alias].cursor() as cursor:
            cursor.execute(
                self.sql, [self.model._meta.pk.get_db_prep_value(pk, connections[self.alias])]
            )
            row = cursor.fetchone()
        return None if row is None else _instance(self.alias, self.model, self.columns, row)


class Access(NamedTuple):
    groups: frozenset  # names
    user_permissions: frozenset  # "app_label.codename"
    group_permissions: frozenset


def access(user):
    """The groups and permissions of a saved account, read once per user object (one per
    request), in one query."""
    found = getattr(user, "_imagin_access", None)
    if found is None:
        found = user._imagin_access = access_lookup(router.db_for_read(type(user))).get(user)
    return found


@cache
def access_lookup(alias):
    return AccessLookup(alias)


class AccessLookup:
    """`get(user)`: the user's group names and the permissions ModelBackend lists (the
    user's own, their groups'; every permission twice for a superuser) in one UNION query,
    its SQL written once from the models' tables and columns."""

    def __init__(self, alias):
        from django.contrib.auth.models import Group, Permission
        from django.contrib.contenttypes.models import ContentType

        self.alias = alias
        quote = connections[alias].ops.quote_name
        user_model = get_user_model()

        def table(model):
            return quote(model._meta.db_table)

        def m2m(model, name):
            field = model._meta.get_field(name)
            through = field.remote_field.through
            return table(through), quote(field.m2m_column_name()), quote(field.m2m_reverse_name())

        members, member_user, member_group = m2m(user_model, "groups")
        grants, grant_user, grant_permission = m2m(user_model, "user_permissions")
        group_grants, group_grant_group, group_grant_permission = m2m(Group, "permissions")
        group_pk, permission_pk = quote(Group._meta.pk.column), quote(Permission._meta.pk.column)
        content_type_pk = quote(ContentType._meta.pk.column)
        name = quote(Group._meta.get_field("name").column)
        app_label = quote(ContentType._meta.get_field("app_label").column)
        codename = quote(Permission._meta.get_field("codename").column)
        content_type = quote(Permission._meta.get_field("content_type").column)
        # Only quoted names from the models' metadata go in; the user's id is a parameter.
        groups = (
            f"SELECT 0, g.{name}, '' FROM {table(Group)} g INNER JOIN {members} m "  # noqa: S608
            f"ON m.{member_group} = g.{group_pk} WHERE m.{member_user} = %s"
        )
        permissions = (
            f"SELECT {{kind}}, c.{app_label}, p.{codename} FROM {table(Permission)} p "  # noqa: S608
            f"INNER JOIN {table(ContentType)} c ON c.{content_type_pk} = p.{content_type}"
        )
        own = permissions.format(kind=1) + (
            f" INNER JOIN {grants} up ON up.{grant_permission} = p.{permission_pk}"
            f" WHERE up.{grant_user} = %s"
        )
        of_groups = permissions.format(kind=2) + (
            f" INNER JOIN {group_grants} gp ON gp.{group_grant_permission} = p.{permission_pk}"
            f" INNER JOIN {members} m ON m.{member_group} = gp.{group_grant_group}"
            f" WHERE m.{member_user} = %s"
        )
        self.sql = f"{groups} UNION ALL {own} UNION ALL {of_groups}"
        self.superuser_sql = f"{groups} UNION ALL {permissions.format(kind=3)}"

    def get(self, user):
        with connections[self.alias].cursor() as cursor:
            if user.is_superuser:
                cursor.execute(self.superuser_sql, [user.pk])
            else:
                cursor.execute(self.sql, [user.pk, user.pk, user.pk])
            rows = cursor.fetchall()
        found = {0: set(), 1: set(), 2: set(), 3: set()}
        for kind, first, second in rows:
            found[kind].add(first if kind == 0 else f"{first}.{second}")
        if user.is_superuser:
            found[1] = found[2] = found[3]
        return Access(frozenset(found[0]), frozenset(found[1]), frozenset(found[2]))
