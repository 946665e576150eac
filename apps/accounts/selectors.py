"""Reads of accounts shared by the account pages, bulk creation and tests."""

from django.db.models import QuerySet

from .managing import account_manageable_q
from .models import User


def accounts_manageable_by(actor) -> QuerySet[User]:
    """The accounts `actor` manages (apps.accounts.managing): its scope, below its level."""
    return User.objects.filter(account_manageable_q(actor)).select_related("region", "community")
