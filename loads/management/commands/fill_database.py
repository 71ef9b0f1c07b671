import datetime
import random
import time

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from accounts.modules import Module
from accounts.services import user_set_access
from loads.models import Load, LoadType
from messaging.models import IncomingCall, IncomingMessage, MessageStatus, OutgoingMessage

NAMES = ["Juan Pérez", "Ana Núñez", "Carlos Rojas", "María Fernández", "Luis Choque", "Rosa Mamani", "Jorge Quispe"]
# What a year of reminders ends as: mostly delivered, some failed, cancelled or in doubt.
OUTCOMES = [
    (MessageStatus.DELIVERED, 70),
    (MessageStatus.SENT, 20),
    (MessageStatus.FAILED, 4),
    (MessageStatus.CANCELLED, 4),
    (MessageStatus.UNKNOWN, 1),
    (MessageStatus.QUEUED, 1),
]


class Command(BaseCommand):
    help = "Fill the database with realistic loads, messages and replies (for benchmarks and demos)."

    def add_arguments(self, parser):
        parser.add_argument("--messages", type=int, default=1_000_000)
        parser.add_argument("--per-load", type=int, default=1000)
        parser.add_argument("--customers", type=int, default=200_000, help="Distinct phone numbers")
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args, messages, per_load, customers, seed, **options):
        rng = random.Random(seed)
        started = time.monotonic()
        users = self.users()
        statuses, weights = zip(*OUTCOMES, strict=True)
        now = timezone.now()
        loads_count = max(1, messages // per_load)
        made = 0
        for number in range(loads_count):
            created = now - datetime.timedelta(days=365 * (loads_count - number) / loads_count)
            send_date = timezone.localtime(created).date()
            size = min(per_load, messages - made)
            with transaction.atomic():
                load = Load.objects.create(
                    type=rng.choice([LoadType.AUTOMATIC, LoadType.MANUAL, LoadType.EXCEL]),
                    created_by=rng.choice(users),
                    created_at=created,
                    send_date=send_date,
                    reference_date=send_date,
                    rows_read=size + size // 50,
                    messages_created=size,
                    rows_rejected=size // 50,
                    segments=size + size // 10,
                )
                batch = []
                for _index in range(size):
                    status = rng.choices(statuses, weights)[0]
                    done = status in (MessageStatus.SENT, MessageStatus.DELIVERED, MessageStatus.UNKNOWN)
                    sent_at = created + datetime.timedelta(minutes=rng.randint(1, 600)) if done else None
                    name = rng.choice(NAMES)
                    batch.append(
                        OutgoingMessage(
                            load=load,
                            phone=f"+5917{rng.randrange(customers):07d}",
                            text=f"Estimado {name}, su cuota {rng.randint(1, 24)} de Bs {rng.randint(80, 3000)},50"
                            f" vence el {send_date:%d/%m/%Y}. Créditos Ñandú",
                            status=status,
                            send_date=send_date,
                            loaded_at=created,
                            sent_at=sent_at,
                            delivered_at=sent_at + datetime.timedelta(seconds=20)
                            if status == MessageStatus.DELIVERED
                            else None,
                            segments=2 if rng.random() < 0.1 else 1,
                            result="La red está congestionada." if status == MessageStatus.FAILED else "",
                            attempts=1 if done or status == MessageStatus.FAILED else 0,
                        )
                    )
                OutgoingMessage.objects.bulk_create(batch, batch_size=2000)
            made += size
            if number % 50 == 0:
                self.stdout.write(f"{made} messages ({made / (time.monotonic() - started):.0f}/s)")
        replies = [
            IncomingMessage(
                phone=f"+5917{rng.randrange(customers):07d}",
                text=rng.choice(["Ya pagué, gracias", "¿Cuánto debo?", "BAJA", "Ok", "Pagaré el lunes"]),
                received_at=now - datetime.timedelta(minutes=rng.randint(1, 525_600)),
            )
            for _reply in range(max(1, messages // 50))
        ]
        IncomingMessage.objects.bulk_create(replies, batch_size=2000)
        IncomingCall.objects.bulk_create(
            [
                IncomingCall(
                    phone=f"+5917{rng.randrange(customers):07d}",
                    received_at=now - datetime.timedelta(minutes=rng.randint(1, 525_600)),
                )
                for _call in range(max(1, messages // 500))
            ],
            batch_size=2000,
        )
        self.stdout.write(
            f"{made} messages in {loads_count} loads, {len(replies)} replies, in {time.monotonic() - started:.0f} s"
        )

    def users(self) -> list:
        User = get_user_model()
        users = []
        for username, module in [
            ("cobranzas", Module.OPERATOR),
            ("sucursal", Module.OPERATOR),
            ("gerencia", Module.SERVER),
        ]:
            user, created = User.objects.get_or_create(username=username)
            if created:
                user.set_unusable_password()
                user.save()
                user_set_access(user=user, enabled=True, modules={module}, by=None)
            users.append(user)
        return users
