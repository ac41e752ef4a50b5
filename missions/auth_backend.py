"""Django's model backend, whose per-request user lookup also brings the intervenant
behind the account (one query instead of two on every portal page).

That lookup runs on every logged-in request, and compiling it through the ORM cost more than
running it (about a third of a cached portal page). Its SQL is therefore written once per
process and database, from the models' own columns, and the rows are turned into model
instances as the ORM does: the database's converters, then Model.from_db. The row is read
afresh at every request; nothing about the account is kept between requests.
"""

from functools import cache

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


@cache
def account_lookup(alias):
    return AccountLookup(alias)


class AccountLookup:
    """`get(pk)`: the user with `user.intervenant` already loaded (or known absent), like
    `select_related("intervenant").get(pk=pk)`, or None."""

    def __init__(self, alias):
        self.alias = alias
        user_model = get_user_model()
        relation = user_model._meta.get_field("intervenant")  # the reverse one-to-one
        self.models = (user_model, relation.related_model)
        self.accessor = relation.cache_name
        self.back = relation.field.cache_name
        connection = connections[alias]
        quote = connection.ops.quote_name
        self.columns = []  # per model: [(field, converters)]
        selected = []
        for table_alias, model in zip(("u", "i"), self.models, strict=True):
            fields = []
            for field in model._meta.concrete_fields:
                column = field.get_col(table_alias)
                converters = connection.ops.get_db_converters(column)
                converters += column.get_db_converters(connection)
                fields.append((column, converters))
                selected.append(f"{table_alias}.{quote(field.column)}")
            self.columns.append(fields)
        user_pk = quote(user_model._meta.pk.column)
        # Only quoted names from the models' metadata go in; the key is a parameter.
        self.sql = (
            f"SELECT {', '.join(selected)} FROM {quote(user_model._meta.db_table)} u "  # noqa: S608
            f"LEFT OUTER JOIN {quote(relation.related_model._meta.db_table)} i "
            f"ON u.{user_pk} = i.{quote(relation.field.column)} WHERE u.{user_pk} = %s"
        )

    def get(self, pk):
        connection = connections[self.alias]
        with connection.cursor() as cursor:
            cursor.execute(self.sql, [pk])
            row = cursor.fetchone()
        if row is None:
            return None
        user_columns, intervenant_columns = self.columns
        user = self._instance(self.models[0], user_columns, row[: len(user_columns)])
        intervenant = None
        if row[len(user_columns)] is not None:  # the intervenant's primary key
            rest = row[len(user_columns) :]
            intervenant = self._instance(self.models[1], intervenant_columns, rest)
            intervenant._state.fields_cache[self.back] = user
        # None cached too: `user.intervenant` then raises without a query, as after
        # select_related.
        user._state.fields_cache[self.accessor] = intervenant
        return user

    def _instance(self, model, columns, values):
        connection = connections[self.alias]
        converted = []
        for (column, converters), value in zip(columns, values, strict=True):
            for converter in converters:
                value = converter(value, column, connection)
            converted.append(value)
        names = [column.target.attname for column, _ in columns]
        return model.from_db(self.alias, names, converted)
