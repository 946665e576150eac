"""Demonstration communities move to the review app and notices to the notices app. The tables stay
(assessments_demonstration, assessments_notice): only Django's state changes here."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0003_review_level_and_scores"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="Demonstration"),
                migrations.DeleteModel(name="Notice"),
            ],
            database_operations=[],
        ),
    ]
