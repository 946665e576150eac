from django.conf import settings
from django.db import models


class Notice(models.Model):
    """An in-app notice to one user (alongside the e-mail)."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notices")
    assessment = models.ForeignKey(
        "assessments.Assessment", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    text = models.CharField(max_length=500)
    url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "assessments_notice"
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notice_unread")]

    def __str__(self):
        return self.text
