"""Sending e-mail through the Server tab's SMTP account, with errors a person can act on."""

import smtplib
import socket
import ssl

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.core.mail.backends.smtp import EmailBackend
from django.utils.translation import gettext as _

from accounts.models import ServerSettings, SmtpSecurity
from smsmotor.fields import is_unreadable

SMTP_TIMEOUT = 20  # seconds: a dead server must not hold a task for minutes


class MailError(Exception):
    """Sending failed; the message is a translated sentence for the user."""


def mail_connection(account: ServerSettings | None = None):
    """The Server tab's SMTP account when one is configured, otherwise the environment's
    (EMAIL_URL, the console by default)."""
    account = account or ServerSettings.load()
    if not account.smtp_host:
        return get_connection()
    password = account.smtp_password
    if is_unreadable(password):
        raise MailError(
            _("The stored password cannot be read with this server's key (ENCRYPTION_KEY changed?): enter it again.")
        )
    return EmailBackend(
        host=account.smtp_host,
        port=account.smtp_port,
        username=account.smtp_user or None,
        password=password or None,
        use_tls=account.smtp_security == SmtpSecurity.STARTTLS,
        use_ssl=account.smtp_security == SmtpSecurity.SSL,
        timeout=SMTP_TIMEOUT,
        fail_silently=False,
    )


def mail_sender(account: ServerSettings | None = None) -> str:
    account = account or ServerSettings.load()
    return account.smtp_sender or settings.DEFAULT_FROM_EMAIL


def mail_send(*, to: str, subject: str, body: str, account: ServerSettings | None = None) -> None:
    """Send one e-mail now; MailError with a readable reason if the server refuses it."""
    account = account or ServerSettings.load()
    message = EmailMessage(subject, body, mail_sender(account), [to], connection=mail_connection(account))
    try:
        message.send(fail_silently=False)
    except MailError:
        raise
    except Exception as error:  # smtplib, socket and ssl errors: all become one sentence
        raise MailError(smtp_error_text(error, account)) from error


def _server_said(error: smtplib.SMTPResponseException) -> str:
    text = error.smtp_error.decode("utf-8", "replace") if isinstance(error.smtp_error, bytes) else error.smtp_error
    return f"{error.smtp_code} {text}".strip()


def smtp_error_text(error: BaseException, account: ServerSettings) -> str:
    """What went wrong, in a sentence, with the server's own words where it gave some."""
    if account.smtp_host:
        where = {"host": account.smtp_host, "port": account.smtp_port}
    else:  # the environment's account (EMAIL_URL)
        where = {"host": settings.EMAIL_HOST, "port": settings.EMAIL_PORT}
    if isinstance(error, smtplib.SMTPAuthenticationError):
        return _("The SMTP server refused the user or the password (it said: %(answer)s).") % {
            "answer": _server_said(error)
        }
    if isinstance(error, smtplib.SMTPSenderRefused):
        return _("The SMTP server does not allow sending from %(sender)s (it said: %(answer)s).") % {
            "sender": error.sender,
            "answer": _server_said(error),
        }
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        addresses = ", ".join(error.recipients)
        return _("The SMTP server refused the address %(address)s.") % {"address": addresses}
    if isinstance(error, smtplib.SMTPNotSupportedError):
        return _(
            "The SMTP server does not offer what the account asks (%(detail)s): check the security setting"
            " and whether the server wants a user and password."
        ) % {"detail": error}
    if isinstance(error, smtplib.SMTPResponseException):
        return _("The SMTP server refused the message (it said: %(answer)s).") % {"answer": _server_said(error)}
    if isinstance(error, socket.gaierror):
        return _("The SMTP server %(host)s was not found: check its name.") % where
    if isinstance(error, ConnectionRefusedError):
        return _("Nothing answers on %(host)s port %(port)s: check the port, or a firewall is blocking it.") % where
    if isinstance(error, TimeoutError | socket.timeout):
        return _("%(host)s port %(port)s does not answer in time: the port may be blocked by a firewall.") % where
    if isinstance(error, ssl.SSLError):
        return (
            _(
                "The secure connection to %(host)s failed: check the security setting"
                " (usually STARTTLS on port 587, SSL on port 465)."
            )
            % where
        )
    if isinstance(error, smtplib.SMTPServerDisconnected):
        return _("The SMTP server %(host)s closed the connection: check the port and the security setting.") % where
    if isinstance(error, OSError):
        return _("Cannot reach the SMTP server %(host)s port %(port)s: %(error)s.") % {
            **where,
            "error": error.strerror or error,
        }
    return _("The e-mail could not be sent: %(error)s.") % {"error": error}
