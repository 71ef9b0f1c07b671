"""Message templates: text with <tokens> filled from a row, amounts and dates the Bolivian way."""

import datetime
import re
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

TOKEN = re.compile(r"<([A-Za-z0-9_]+)>")
# The seed's tokens; any other column of the integration or the file may be used too.
STANDARD_TOKENS = ("nombre", "numerocuota", "montocuota", "moneda", "fechavencimiento")


class TemplateError(ValueError):
    pass


def tokens(text: str) -> list[str]:
    """The tokens of a template, lower-case, in order of first appearance."""
    seen: dict[str, None] = {}
    for match in TOKEN.finditer(text):
        seen.setdefault(match.group(1).lower(), None)
    return list(seen)


def check_tokens(text: str, available: list[str] | tuple[str, ...]) -> None:
    unknown = [token for token in tokens(text) if token not in available]
    if unknown:
        raise TemplateError(
            _("Unknown tokens: %(tokens)s. Available: %(available)s.")
            % {"tokens": ", ".join(f"<{t}>" for t in unknown), "available": ", ".join(f"<{t}>" for t in available)}
        )


def format_amount(value) -> str:
    """1500.5 -> '1.500,50', as amounts are written in Bolivia."""
    try:
        amount = Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        return str(value)
    whole, cents = f"{abs(amount):.2f}".split(".")
    grouped = f"{int(whole):,}".replace(",", ".")
    return f"{'-' if amount < 0 else ''}{grouped},{cents}"


def format_value(name: str, value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, Decimal | float) or (name.startswith("monto") and isinstance(value, int)):
        return format_amount(value)
    return str(value).strip()


def render(text: str, values: dict) -> str:
    """Fill every <token> from `values`; TemplateError names the first empty one."""

    def fill(match: re.Match) -> str:
        name = match.group(1).lower()
        rendered = format_value(name, values.get(name))
        if not rendered:
            raise TemplateError(_("The value for <%(token)s> is empty.") % {"token": name})
        return rendered

    return TOKEN.sub(fill, text)


SEED_LIMIT = 140  # the original's limit for the final message, signature included


def sample_values(today: datetime.date) -> dict:
    """A realistic row to preview and test a template with."""
    # Accents GSM-7 lacks (í, á), as real names have them: the SMS count shown is the honest one.
    return {
        "nombre": "María Fernández Ríos",
        "numerocuota": "3",
        "montocuota": Decimal("1500.50"),
        "moneda": "Bs",
        "fechavencimiento": today + datetime.timedelta(days=3),
    }


def with_signature(text: str, company: str) -> str:
    """The licence's company name closes every message sent."""
    return f"{text} {company}" if company else text
