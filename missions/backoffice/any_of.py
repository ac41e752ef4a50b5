"""`field = ANY(array)`: a list of ids as one parameter (the listings' search, the service
fait's rows)."""

from django.db.models import Lookup


class AnyOf(Lookup):
    """`field = ANY(%s)` with the ids as one array parameter on PostgreSQL: an IN list of
    thousands of parameters cost more to prepare (psycopg splits the SQL at each one) than
    the query itself. `IN (...)` elsewhere (SQLite of `make run`)."""

    lookup_name = "any_of"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        lhs, params = self.process_lhs(compiler, connection)
        ids = list(self.rhs)
        if not ids:
            return "1 = 0", []
        return f"{lhs} IN ({', '.join(['%s'] * len(ids))})", [*params, *ids]

    def as_postgresql(self, compiler, connection):
        lhs, params = self.process_lhs(compiler, connection)
        # Cast to the column's own type: PostgreSQL hashes the array for a filter only when
        # the types match (psycopg sends small ids as smallint[]).
        kind = self.lhs.output_field.db_type(connection)
        return f"{lhs} = ANY(%s::{kind}[])", [*params, list(self.rhs)]
