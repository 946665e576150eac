"""Text messages through a pluggable backend (settings.SMS_BACKEND, a dotted path): the console
backend prints the message with the number masked (development); the memory backend keeps it in
`outbox` (tests); production plugs in its provider's client with the same `send(phone, text)`."""

import sys

from django.conf import settings
from django.utils.module_loading import import_string

from .privacy import masked_phone


class ConsoleBackend:
    def send(self, phone: str, text: str) -> None:
        # The number is masked even here: nothing personal reaches a log.
        sys.stdout.write(f"[短信] {masked_phone(phone)}: {text}\n")
        sys.stdout.flush()


outbox: list[tuple[str, str]] = []


class MemoryBackend:
    def send(self, phone: str, text: str) -> None:
        outbox.append((phone, text))


def send(phone: str, text: str) -> None:
    import_string(settings.SMS_BACKEND)().send(phone, text)
