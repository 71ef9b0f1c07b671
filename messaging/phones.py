"""Phone numbers: everything stored in E.164, Bolivia (+591) by default."""

import re

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

DEFAULT_REGION = "BO"


# Bolivian mobiles: 8 digits starting with 6 or 7 (libphonenumber's BO mobile pattern,
# (?:57|[67]\d)\d{6}, accepts every one of them), written with or without 591 / +591.
BOLIVIAN_MOBILE = re.compile(r"\+?(?:591)?([67]\d{7})")
SEPARATORS = str.maketrans("", "", " -.()\u00a0")


def normalize_phone(raw: str, region: str = DEFAULT_REGION) -> str:
    """'70000288', '591 70000288', '+591-700-00288' -> '+59170000288'.

    Raises ValidationError with a reason a person understands.
    """
    text = str(raw).strip()
    if region == DEFAULT_REGION:
        # The common case of a big load, answered without the full parser (same result).
        mobile = BOLIVIAN_MOBILE.fullmatch(text.translate(SEPARATORS))
        if mobile:
            return "+591" + mobile.group(1)
    if not text:
        raise ValidationError(gettext_lazy("The phone number is empty."))
    # Bolivian numbers are often written with the country code but without the "+".
    if text.startswith("591") and len(phonenumbers.normalize_digits_only(text)) == 11:
        text = "+" + text
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        raise ValidationError(gettext_lazy("“%(phone)s” is not a phone number."), params={"phone": raw}) from None
    if not phonenumbers.is_valid_number(number):
        raise ValidationError(gettext_lazy("“%(phone)s” is not a valid phone number."), params={"phone": raw})
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def validate_phone(value: str) -> None:
    """Model field validator: the stored number must already be E.164 and valid."""
    if normalize_phone(value) != value:
        raise ValidationError(
            _("Write the number in international form, e.g. %(phone)s.") % {"phone": normalize_phone(value)}
        )
