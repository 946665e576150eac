"""Pages read from the end of a long list are Django's pages exactly (apps/core/pagination.py)."""

import pytest
from django.core.paginator import Paginator

from apps.communities.models import Community
from apps.core.pagination import EndReadPaginator
from tests.factories import CommunityFactory


@pytest.mark.django_db
@pytest.mark.parametrize("orphans", [0, 2])
@pytest.mark.parametrize("ordering", [("code",), ("-name", "code"), ("retired_on", "-code")])
def test_every_page_has_the_rows_of_djangos_paginator(orphans, ordering, django_assert_num_queries):
    for i in range(23):
        CommunityFactory(name=f"社区{i % 4}")
    qs = Community.objects.order_by(*ordering)
    expected = Paginator(qs, 5, orphans=orphans)
    paginator = EndReadPaginator(qs, 5, orphans=orphans)
    assert paginator.num_pages == expected.num_pages
    for number in expected.page_range:
        with django_assert_num_queries(1):  # the count is read once, before
            page = paginator.page(number)
            rows = [c.code for c in page]
        assert rows == [c.code for c in expected.page(number)]
        assert (page.start_index(), page.end_index(), page.has_next()) == (
            expected.page(number).start_index(),
            expected.page(number).end_index(),
            expected.page(number).has_next(),
        )
