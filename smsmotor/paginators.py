"""Pagination that does not count a million rows to show fifty."""

from django.core.paginator import Paginator
from django.db import connections
from django.utils.functional import cached_property


class EstimatedCountPaginator(Paginator):
    """On MySQL/MariaDB, an unfiltered table's size comes from InnoDB's statistics (exact
    enough to number the pages; COUNT(*) reads the whole table). Filtered lists, and other
    databases, are counted as usual: their indexes make that cheap."""

    @cached_property
    def count(self) -> int:
        queryset = self.object_list
        query = getattr(queryset, "query", None)
        if query is None or query.where or query.combinator or query.distinct:
            return super().count
        connection = connections[queryset.db]
        if connection.vendor != "mysql":
            return super().count
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT TABLE_ROWS FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = %s",
                [queryset.model._meta.db_table],
            )
            row = cursor.fetchone()
        estimate = int(row[0] or 0) if row else 0
        # Small tables' statistics can be stale; they are cheap to count.
        return estimate if estimate > 100_000 else super().count
