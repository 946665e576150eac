"""A foreign key read through the shared cache (apps.core.versioned).

`CachedForeignKey` is a ForeignKey whose forward access (`user.region`) reads the related row from
the shared cache under the related model's `CACHE_VERSION`, a version that every write to that
model drops; the row is read from the database when the version moved or the cache is not shared,
exactly as a plain foreign key reads it. For rows that every request reads and that almost never
change (the signed-in user's region, read by every page's scoping).
"""

from django.db import models
from django.db.models.fields.related_descriptors import ForwardManyToOneDescriptor

from . import versioned


class CachedForwardDescriptor(ForwardManyToOneDescriptor):
    def get_object(self, instance):
        model = self.field.related_model
        pk = getattr(instance, self.field.attname)
        row = versioned.cached(
            model.CACHE_VERSION,
            f"row:{model._meta.label_lower}:{pk}",
            lambda: model._base_manager.filter(pk=pk).first(),
        )
        if row is None:
            raise model.DoesNotExist(f"{model._meta.object_name} {pk} does not exist.")
        return row


class CachedForeignKey(models.ForeignKey):
    """A foreign key to a model with a `CACHE_VERSION`, read through the shared cache."""

    forward_related_accessor_class = CachedForwardDescriptor
