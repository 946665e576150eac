from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.core.fields import CachedForeignKey


class Role(models.TextChoices):
    """Who an account belongs to. The reviewing roles (street, city, province) review at the level of
    their region (`apps.review.workflow.LEVELS`); a city/county department's level is its region's."""

    COMMUNITY = "community", _("Community committee")
    STREET = "street", _("Street office")
    CITY = "city", _("City/county housing department")
    PROVINCE = "province", _("Provincial housing department")
    MINISTRY = "ministry", _("Ministry of Housing and Urban-Rural Development")
    ADMIN = "admin", _("Administrator")
    # Not bound to a region's review: an expert sees only the communities of its open site-check
    # assignments (apps.sitechecks); a department (发改, 民政, 公安 …) reads its area and gives
    # opinions (apps.departments). Neither ever decides a review.
    EXPERT = "expert", _("Expert (site checks)")
    DEPARTMENT = "department", _("Other department")


# The one table of the housing roles and the levels of the regions they work at: a street office at a
# street, a city/county department at a city or a county, a provincial department at a provincial
# unit. The scope column of each level is apps.accounts.scoping.SCOPE_COLUMN.
REGION_LEVELS_OF_ROLE = {
    Role.STREET: ("street",),
    Role.CITY: ("city", "county"),
    Role.PROVINCE: ("province",),
}


REGION_NEEDED = {
    Role.STREET: _("A street office user needs a street."),
    Role.CITY: _("A city/county department user needs a city or county."),
    Role.PROVINCE: _("A provincial department user needs a provincial unit."),
}


class User(AbstractUser):
    """A portal user with exactly the scope their role needs."""

    role = models.CharField(_("Role"), max_length=12, choices=Role.choices, default=Role.COMMUNITY)
    # Read through the shared cache: every page's scoping reads the user's region.
    region = CachedForeignKey(
        "regions.Region",
        verbose_name=_("Region"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_(
            "Street office: its street; city/county department: its city or county; provincial department: its provincial unit"
        ),
    )
    community = models.ForeignKey(
        "communities.Community",
        verbose_name=_("Community"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    display_name = models.CharField(_("Office or name"), max_length=100, blank=True)
    phone = models.CharField(_("Phone"), max_length=20, blank=True, help_text=_("For notices"))
    # Set by bulk creation and by a reset: the next sign-in must choose a new password first
    # (apps.accounts.middleware.ForcePasswordChangeMiddleware).
    must_change_password = models.BooleanField(_("Must choose a new password"), default=False)
    # A one-time password handed out by the level above: only its HMAC-SHA256 under SECRET_KEY is
    # kept, with its expiry (apps.accounts.onetime); cleared once the user has set a password.
    one_time_hash = models.CharField(max_length=64, blank=True, editable=False)
    one_time_expires = models.DateTimeField(null=True, blank=True, editable=False)
    # When the one-time password signed in: it signs in once (apps.accounts.onetime.consume).
    one_time_used = models.DateTimeField(null=True, blank=True, editable=False)
    # Since when the user has a confirmed two-factor device (null: none). Kept by every device write
    # (apps.accounts.twofactor): the sign-in gate reads it without a query on every request.
    two_factor_since = models.DateTimeField(
        _("Two-factor sign-in since"), null=True, blank=True, editable=False
    )

    class Meta:
        verbose_name = _("User")
        verbose_name_plural = _("User")

    def clean(self):
        super().clean()
        if self.role == Role.COMMUNITY and not self.community_id:
            raise ValidationError({"community": _("A community user needs a community.")})
        levels = REGION_LEVELS_OF_ROLE.get(self.role)
        if levels and (self.region is None or self.region.level not in levels):
            raise ValidationError({"region": REGION_NEEDED[self.role]})
        if self.role in (Role.MINISTRY, Role.ADMIN) and (self.region_id or self.community_id):
            raise ValidationError(_("Ministry and administrator users have no region."))
        if self.role != Role.COMMUNITY and self.community_id:
            raise ValidationError({"community": _("Only community users can be attached to a community.")})

    @property
    def scope_label(self) -> str:
        return self.scope_label_using(lambda _code: self.region.full_name)

    def scope_label_using(self, region_full_name) -> str:
        """`scope_label`, with a region user's label from `region_full_name(code)` (the base
        layout's cached read, apps.regions.templatetags.regions)."""
        if self.role == Role.COMMUNITY and self.community_id:
            c = self.community
            return "".join(r.name for r in (c.province, c.city, c.county, c.street) if r) + c.name
        if self.region_id:
            return region_full_name(self.region_id)
        return str(_("Nationwide"))


# accounts sits below regions and communities: they scope their rows through accounts.scoping.
# Where account pages read a region or a community, they reach its model through the relation the
# user declares (like the foreign keys above, by label), never by importing those apps.
def region_model():
    """regions.Region, the model of `User.region`."""
    return User._meta.get_field("region").related_model


def community_model():
    """communities.Community, the model of `User.community`."""
    return User._meta.get_field("community").related_model
