from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination


class PagePagination(PageNumberPagination):
    """`?page=N&page_size=M` (1 to 200 per page); the response carries count, next, previous.
    A page size that is not a positive whole number is refused (400) rather than ignored."""

    page_size_query_param = "page_size"
    max_page_size = 200

    def get_page_size(self, request):
        raw = request.query_params.getlist(self.page_size_query_param)
        if raw:
            if len(raw) > 1 or not raw[0].isdigit() or int(raw[0]) < 1:
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
        return params
