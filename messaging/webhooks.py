"""Posting one webhook event: a signed JSON body over HTTP(S).

The receiver checks `X-SMSMotor-Signature: t=<unix time>,v1=<hex>` where hex is
HMAC-SHA256(secret, "<t>.<body>") (README, "HTTP API"). Run only by the outbox's django-q task
(messaging/notifications.py), never by a modem worker: a slow receiver blocks nobody.
"""

import hashlib
import hmac
import time
import urllib.error
import urllib.request

SIGNATURE_HEADER = "X-SMSMotor-Signature"
EVENT_ID_HEADER = "X-SMSMotor-Event-Id"
TIMEOUT_SECONDS = 10


class WebhookError(Exception):
    """The receiver could not be reached or did not answer 2xx: retried later."""


def webhook_signature(*, secret: str, timestamp: int, body: str) -> str:
    digest = hmac.new(secret.encode(), f"{timestamp}.{body}".encode(), hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def webhook_post(*, url: str, secret: str, body: str, event_id: str, now: float | None = None) -> int:
    """POST the event; its HTTP status when 2xx, else WebhookError."""
    timestamp = int(now if now is not None else time.time())
    request = urllib.request.Request(
        url,
        data=body.encode(),
        method="POST",
        headers={
            "Content-Type": "application/json",
            "User-Agent": "SMSMotor-Webhook/1",
            EVENT_ID_HEADER: event_id,
            SIGNATURE_HEADER: webhook_signature(secret=secret, timestamp=timestamp, body=body),
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
            return response.status
    except urllib.error.HTTPError as error:
        raise WebhookError(f"HTTP {error.code} {error.reason}") from None
    except (urllib.error.URLError, OSError, ValueError) as error:
        raise WebhookError(str(getattr(error, "reason", error))) from None
