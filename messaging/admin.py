from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.admin import SingletonAdmin
from messaging.models import (
    IncomingCall,
    IncomingMessage,
    MessageStatus,
    MessagingSettings,
    Notification,
    OutgoingMessage,
)
from messaging.services import message_resend
from smsmotor.paginators import EstimatedCountPaginator


@admin.register(OutgoingMessage)
class OutgoingMessageAdmin(admin.ModelAdmin):
    # The columns of the Outgoing tab; states change only through services.
    list_display = ["id", "status", "sent_at", "send_date", "loaded_at", "phone", "text", "result_shown", "load"]
    list_filter = ["status", "send_date", "load__type"]
    search_fields = ["=phone", "=load__id", "=id"]
    list_select_related = ["load"]
    raw_id_fields = ["load"]
    readonly_fields = [
        "status",
        "loaded_at",
        "sent_at",
        "delivered_at",
        "result_shown",
        "modem",
        "segments",
        "attempts",
    ]
    # A million rows: no date hierarchy (it scans the table for its years), no full count.
    show_full_result_count = False
    paginator = EstimatedCountPaginator
    list_per_page = 50
    actions = ["send_again"]

    @admin.display(description=_("result"))
    def result_shown(self, obj):
        return obj.result_display

    @admin.display(description=mark_safe('<input type="checkbox" id="action-toggle">'))
    def action_checkbox(self, obj):
        # The admin renders a form widget through the template engine for each row; fifty
        # rows of a million-message table deserve plain HTML.
        return format_html(
            '<input type="checkbox" name="{}" value="{}" class="action-select" aria-label="{}">',
            helpers.ACTION_CHECKBOX_NAME,
            obj.pk,
            _("Select this object for an action - %(object)s") % {"object": obj.pk},
        )

    @admin.action(description=_("Send again (failed or may-have-been-sent messages)"))
    def send_again(self, request, queryset):
        # UNKNOWN messages may already have reached the phone: only a person decides.
        retry = queryset.filter(status__in=[MessageStatus.FAILED, MessageStatus.UNKNOWN])
        count = sum(message_resend(pk) for pk in retry.values_list("pk", flat=True))
        skipped = queryset.count() - count
        self.message_user(
            request,
            ngettext("%(count)d message queued again.", "%(count)d messages queued again.", count) % {"count": count},
            messages.SUCCESS,
        )
        if skipped:
            self.message_user(
                request,
                ngettext(
                    "%(count)d message was not failed nor in doubt and was left alone.",
                    "%(count)d messages were not failed nor in doubt and were left alone.",
                    skipped,
                )
                % {"count": skipped},
                messages.WARNING,
            )


@admin.register(IncomingMessage)
class IncomingMessageAdmin(admin.ModelAdmin):
    list_display = ["id", "received_at", "phone", "text", "modem", "notified_at"]
    list_filter = ["received_at", "modem"]
    search_fields = ["=phone", "text"]
    list_select_related = ["modem"]


@admin.register(IncomingCall)
class IncomingCallAdmin(admin.ModelAdmin):
    list_display = ["id", "received_at", "phone", "modem", "notified_at"]
    list_filter = ["received_at", "modem"]
    search_fields = ["=phone"]
    list_select_related = ["modem"]


@admin.register(MessagingSettings)
class MessagingSettingsAdmin(SingletonAdmin):
    pass


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    """The outbox: e-mails and webhook events, what went out, what waits for the SMTP server (or
    the webhook's receiver) and why."""

    list_display = ["id", "kind", "to", "url", "subject", "status", "attempts", "created_at", "sent_at", "last_error"]
    list_filter = ["status", "kind", "created_at"]
    search_fields = ["=to", "=event_id", "subject"]
    readonly_fields = [
        "kind",
        "to",
        "url",
        "event_id",
        "subject",
        "body",
        "status",
        "attempts",
        "last_error",
        "created_at",
        "next_attempt_at",
        "sent_at",
    ]
    exclude = ["secret"]
    raw_id_fields = ["incoming", "call"]
    show_full_result_count = False
