import re

from django.utils.translation import gettext as _
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import PageNumberPagination

_PAGE = re.compile(r"[1-9][0-9]{0,8}")


class PagePagination(PageNumberPagination):
    """`?page=N&page_size=M` (1 to 200 per page); the response carries count, next, previous.

    A page that is not a page answers 404, as DRF answers ?page=abc or a page past the last one:
    that includes an empty ?page= (DRF would read it as page 1), ?page=0, ?page=01 and non-ASCII
    digits (Python's int() reads "٣" as 3). Leaving ?page out is page 1. A page size that is not a
    positive whole number is refused (400) rather than ignored."""

    page_size_query_param = "page_size"
    max_page_size = 200
    last_page_strings = ()  # the schema says page is an integer: no ?page=last

    def get_page_number(self, request, paginator):
        raw = request.query_params.getlist(self.page_query_param)
        if not raw:
            return 1
        if len(raw) > 1 or not _PAGE.fullmatch(raw[0]):
            raise NotFound(_("Invalid page."))
        return int(raw[0])

    def get_page_size(self, request):
        raw = request.query_params.getlist(self.page_size_query_param)
        if raw:
            if len(raw) > 1 or not (raw[0].isascii() and raw[0].isdigit()) or int(raw[0]) < 1:
                raise ValidationError({self.page_size_query_param: [_("Give a whole number from 1 to 200.")]})
            return min(int(raw[0]), self.max_page_size)
        return self.page_size

    def get_schema_operation_parameters(self, view):
        params = super().get_schema_operation_parameters(view)
        for p in params:
            if p["name"] == self.page_size_query_param:
                p["schema"] = {"type": "integer", "minimum": 1}
                p["description"] = (
                    "每页条数,1–200(更大按 200)/ Rows per page, 1 to 200 (larger values give 200)"
                )
            if p["name"] == self.page_query_param:
                p["schema"] = {"type": "integer", "minimum": 1}
                p["description"] = (
                    "页码，从 1 开始；不传即第 1 页；空值、0、非数字或超过最后一页返回 404 / Page number from 1; "
                    "leaving it out is page 1; empty, 0, not a number or past the last page answers 404"
                )
        return params
