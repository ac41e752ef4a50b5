"""Outgoing emails, written in the same transaction as the change they announce: a mail
server failure never loses a notification, it stays pending and is retried."""

from django.db import models


class NotificationQuerySet(models.QuerySet):
    def pending(self, max_attempts=5):
        return self.filter(sent_at__isnull=True, attempts__lt=max_attempts)


class Notification(models.Model):
    recipient = models.EmailField("destinataire")
    subject = models.CharField("objet", max_length=200)
    body = models.TextField("message")
    intervenant = models.ForeignKey(
        "Intervenant", models.CASCADE, null=True, blank=True, related_name="notifications"
    )
    kind = models.CharField("type", max_length=30)
    created_at = models.DateTimeField("créée le", auto_now_add=True)
    sent_at = models.DateTimeField("envoyée le", null=True, blank=True)
    attempts = models.PositiveSmallIntegerField("tentatives", default=0)
    last_error = models.CharField("dernière erreur", max_length=300, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = "notification"
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["sent_at", "attempts"])]

    def __str__(self):
        return f"{self.subject} → {self.recipient}"
