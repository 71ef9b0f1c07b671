"""Why a whole file cannot be read: one translated sentence a clerk can act on."""

from django.utils.translation import gettext


class SpreadsheetError(ValueError):
    """The whole file is unusable; `message` is a translated sentence for the user."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def not_a_spreadsheet() -> SpreadsheetError:
    return SpreadsheetError(
        gettext(
            "The file is not a spreadsheet: upload an Excel file (.xlsx, .xls, .xlsb), "
            "a LibreOffice file (.ods) or a CSV file (.csv)."
        )
    )


def damaged() -> SpreadsheetError:
    return SpreadsheetError(
        gettext(
            "The file could not be opened: it is damaged or incomplete. "
            "Open it in Excel, save it again and upload the new file."
        )
    )


def empty() -> SpreadsheetError:
    return SpreadsheetError(gettext("The file is empty."))


def too_big(detail: str) -> SpreadsheetError:
    """`detail` says which limit: the user can act on it (fewer rows, fewer columns...)."""
    message = gettext("The file is too big to read: %(detail)s Split it in several files.")
    return SpreadsheetError(message % {"detail": detail})


def out_of_memory() -> SpreadsheetError:
    return SpreadsheetError(
        gettext("The server ran out of memory while reading the file: split it in several smaller files.")
    )


def unexpected() -> SpreadsheetError:
    return SpreadsheetError(
        gettext(
            "SMS Motor could not read this file because of an error of its own, not of the file. "
            "The error was written to the event log: send the file to your support contact."
        )
    )


def password_protected() -> SpreadsheetError:
    return SpreadsheetError(
        gettext("The file is protected with a password: remove the password in Excel and upload it again.")
    )
