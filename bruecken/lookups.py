"""Database lookups that stay within what the database can hold.

Django drops an integer outside a column's range from `exact`, `gt`, `lt`… (nothing can match
it), but passes it to the database in an `in` list, where SQLite raises OverflowError. Every
choice of several rows by their ids (a form's multiple choice, the admin's selected rows) filters
with `pk__in`, so a huge number typed into one of them was a 500."""

from django.db.models import IntegerField
from django.db.models.lookups import In


@IntegerField.register_lookup
class IntegerFieldIn(In):
    def process_rhs(self, compiler, connection):
        if self.rhs_is_direct_value():
            low, high = connection.ops.integer_field_range(
                self.lhs.output_field.get_internal_type()
            )
            # Values no row can hold match no row; an empty list then finds nothing.
            self.rhs = [
                value
                for value in self.rhs
                if not isinstance(value, int)
                or ((low is None or value >= low) and (high is None or value <= high))
            ]
        return super().process_rhs(compiler, connection)
