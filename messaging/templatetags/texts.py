"""{{ message.result_text|text:message.result }}: a stored text in the reader's language."""

from django import template

from smsmotor.texts import render

register = template.Library()


@register.filter
def text(stored, fallback=""):
    return render(stored, fallback or "")
