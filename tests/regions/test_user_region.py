"""The signed-in user's region, read by every page's scoping, comes from the shared cache
(apps.core.fields.CachedForeignKey): no query for it once cached, and a changed region is read
afresh at once."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.accounts.models import User
from apps.regions.models import Region
from tests.factories import region

pytestmark = pytest.mark.django_db


def _region_reads(client) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("communities:list")).status_code == 200
    return [
        q["sql"]
        for q in queries.captured_queries
        if 'FROM "regions_region" WHERE "regions_region"."code" =' in q["sql"]
    ]


def test_a_page_reads_the_users_region_once_then_from_the_cache(client, city_user, shared_cache):
    client.force_login(city_user)
    assert _region_reads(client)  # the first view reads it
    assert _region_reads(client) == []  # the next ones do not
    assert User.objects.get(pk=city_user.pk).region == region("310104")


def test_a_changed_region_is_read_afresh(client, city_user, shared_cache):
    client.force_login(city_user)
    _region_reads(client)
    county = region("310104")
    county.name = "徐汇新区"
    county.save()
    fresh = User.objects.get(pk=city_user.pk)
    assert fresh.region.name == "徐汇新区"


def test_without_a_shared_cache_the_region_is_read_from_the_database(client, city_user):
    client.force_login(city_user)
    assert _region_reads(client)
    assert _region_reads(client)  # per-process memory: never cached (apps.core.versioned)


def test_a_region_that_is_gone_raises_as_before(city_user):
    User.objects.filter(pk=city_user.pk).update(region_id=None)
    user = User.objects.get(pk=city_user.pk)
    user.region_id = "999999999999"
    with pytest.raises(Region.DoesNotExist):
        user.region  # noqa: B018
