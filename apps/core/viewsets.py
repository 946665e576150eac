"""The one scoped base of the API's views (as PostHog's TeamAndOrgViewSetMixin in
posthog/api/routing.py): every queryset is `scope_model.objects.visible_to(request.user)`, the
scoping chokepoint of that model, narrowed by `safely_get_queryset`. A subclass that overrides
`get_queryset` is refused when its class is defined; a read that must go around scoping says so by
defining `dangerously_get_queryset`."""

from django.core.exceptions import ImproperlyConfigured
from rest_framework import generics, viewsets


class ScopedQuerysetMixin:
    scope_model = None  # a model whose manager has visible_to(user)

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if "get_queryset" in cls.__dict__:
            raise ImproperlyConfigured(
                f"{cls.__name__} overrides get_queryset: narrow the scoped queryset in "
                "safely_get_queryset(queryset) instead (or name a deliberate bypass dangerously_get_queryset)."
            )

    def get_queryset(self):
        dangerous = getattr(self, "dangerously_get_queryset", None)
        if dangerous is not None:
            return dangerous()
        if self.scope_model is None:
            raise ImproperlyConfigured(f"{type(self).__name__} names no scope_model.")
        return self.safely_get_queryset(self.scope_model.objects.visible_to(self.request.user))

    def safely_get_queryset(self, queryset):
        return queryset


class ScopedViewSet(ScopedQuerysetMixin, viewsets.GenericViewSet):
    """A viewset whose every object comes through the caller's scope."""


class ScopedListView(ScopedQuerysetMixin, generics.ListAPIView):
    pass


class ScopedRetrieveView(ScopedQuerysetMixin, generics.RetrieveAPIView):
    pass
