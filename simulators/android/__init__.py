"""A simulated Android phone running "SMS Gateway for Android" (capcom6/android-sms-gateway) in
local-server mode: its REST API on a loopback port, Basic auth, messages that move Pending →
Processed → Sent → Delivered (or Failed) at the phone's own pace, and signed webhook calls.

Plain Python (no Django), for tests, benchmarks and the demo. Where its behaviour comes from:
- The app's sources (app/src/main/java/me/capcom/smsgateway/...): localserver/WebService.kt
  (routes /, /health without auth, /message(s), /webhook(s), /inbox, /logs, /settings; Basic realm
  "Access to SMS Gateway"; exceptions answered as {"message": ...} with 400 or 500),
  routes/MessagesRoutes.kt (POST answers 202 with the Pending state; 400 for an empty text or
  phoneNumbers; GET /messages/{id} 404 when unknown; POST /messages/inbox/export),
  routes/InboxRoutes.kt (GET /inbox in recent versions), routes/WebhooksRoutes.kt and
  webhooks/WebHooksService.kt (POST /webhooks upserts by id and answers 201; the URL must be
  https:// or http://127.0.0.1; one webhook per event), webhooks/plugins/PayloadSingingPlugin.kt
  (X-Signature = hex HMAC-SHA256 over body + X-Timestamp, Unix seconds),
  webhooks/workers/SendWebhookWorker.kt (non-2xx or an error: retried with exponential backoff
  from 10 s, 14 tries by default; 5 s socket timeout), messages/MessagesService.kt (states,
  the sending limit that delays messages: they stay Pending, no error answer).
- docs-web: features/webhooks.md (payload {deviceId, event, id, payload, webhookId}, retry policy),
  features/health.md (the checks).
- Inferred: a repeated message id answers 409 "Message with the same ID already exists" (the app
  has that ConflictException; older versions answered 202 and kept the first message); an invalid
  number is accepted and then goes Failed, as the app validates numbers when sending.
"""

from simulators.android.phone import PhoneSettings
from simulators.android.server import Attempt, SimulatedPhone

__all__ = ["Attempt", "PhoneSettings", "SimulatedPhone"]
