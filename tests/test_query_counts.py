"""No N+1: the tables and admin lists cost the same number of queries for 2 rows as for 50
(and open at all: on MariaDB a date hierarchy on a datetime column needs zone tables)."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditAction, AuditEntry
from credit.models import BalanceQuery, OperatorProfile
from loads.models import Load, LoadType
from messaging.models import (
    IncomingCall,
    IncomingMessage,
    MessageStatus,
    Notification,
    NotificationKind,
    OutgoingMessage,
)
from smsmotor.test import BaseTestCase

PAGES = [
    reverse("messaging:outgoing"),
    reverse("messaging:incoming"),
    reverse("loads:history"),
    "/admin/messaging/outgoingmessage/",
    "/admin/loads/load/",
    "/admin/messaging/incomingmessage/",
    "/admin/messaging/incomingcall/",
    "/admin/messaging/notification/",
    "/admin/accounts/auditentry/",
    "/admin/credit/balancequery/",
]


class QueryCountTestCase(BaseTestCase):
    def fill(self, rows: int) -> None:
        for i in range(rows):
            load = Load.objects.create(type=LoadType.EXCEL, created_by=self.bob, messages_created=1)
            OutgoingMessage.objects.create(
                phone=f"+5917000{i:04d}", text="Hola", load=load, status=MessageStatus.SENT, sent_at=timezone.now()
            )
            IncomingMessage.objects.create(phone=f"+5917000{i:04d}", text="Gracias")
            IncomingCall.objects.create(phone=f"+5917000{i:04d}")
            Notification.objects.create(kind=NotificationKind.LOAD, to="a@b.bo", subject="Carga", body="-")
            AuditEntry.objects.create(user=self.alice, action=AuditAction.LOAD, target=f"Carga {load.pk}")
            BalanceQuery.objects.create(profile=OperatorProfile.objects.first(), method="USSD")

    def queries(self, url: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            self.assertEqual(self.client.get(url).status_code, 200)
        return len(captured)

    def test_the_query_count_does_not_grow_with_the_rows(self):
        self.login(self.alice)
        self.fill(2)
        for url in PAGES:  # the first visit creates the settings rows
            self.queries(url)
        few = {url: self.queries(url) for url in PAGES}
        self.fill(48)
        for url in PAGES:
            with self.subTest(url=url):
                self.assertEqual(self.queries(url), few[url])
