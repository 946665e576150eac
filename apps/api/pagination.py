from rest_framework.pagination import PageNumberPagination


class PagePagination(PageNumberPagination):
    """`?page=N&page_size=M` (at most 200 per page); the response carries count, next, previous."""

    page_size_query_param = "page_size"
    max_page_size = 200
