"""Pages of long lists whose last page costs what the first does.

An OFFSET query reads and throws away every row before the page: the national community list's
last page (126,800 rows) took 10x its first (issue 29). `EndReadPaginator` reads a page in the
second half of the list from the other end (the same ordering reversed, a small offset from the
end) and turns its rows back, so the deepest page costs about what the first does and the middle
one at most half of the old last one. The rows, their order and the page numbers are Django's
Paginator's exactly: the ordering must be total (end on a unique column), as every paginated list
of the portal's is.
"""

from django.core.paginator import Paginator
from django.db.models import QuerySet


class EndReadPaginator(Paginator):
    """`count`: the number of rows when the caller knows it already (a cached count), so the
    paginator does not count them again."""

    def __init__(self, object_list, per_page, orphans=0, allow_empty_first_page=True, *, count=None):
        super().__init__(object_list, per_page, orphans, allow_empty_first_page)
        if count is not None:
            self.__dict__["count"] = count

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        object_list = self.object_list
        if not (isinstance(object_list, QuerySet) and object_list.ordered and bottom > self.count // 2):
            return super().page(number)
        from_end = object_list.reverse()[self.count - top : self.count - bottom]
        return self._get_page(list(from_end)[::-1], number, self)
