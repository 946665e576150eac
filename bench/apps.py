from django.apps import AppConfig


class BenchConfig(AppConfig):
    """The benchmark tooling (`generate_campaigns`), installed by the local, test and bench settings only."""

    name = "bench"
    label = "bench"
    verbose_name = "Benchmarks"
