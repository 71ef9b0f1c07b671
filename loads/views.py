import datetime

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext
from django.views.decorators.http import require_POST

from accounts.audit import audited_save
from accounts.modules import Module
from accounts.services import licence_current
from loads import erp, excel, selectors, services
from loads.forms import (
    AutomaticLoadForm,
    ErpLoadForm,
    ExcelUploadForm,
    IntegrationForm,
    LoadCancelForm,
    TemplateForm,
    TemplateTestForm,
)
from loads.models import IntegrationSource, LoadSettings, LoadType, Template
from loads.resources import LoadResource
from loads.spreadsheet import SpreadsheetError
from loads.templating import STANDARD_TOKENS
from modem.services import test_sms_queue
from smsmotor.exports import export_response
from smsmotor.texts import Text

PAGE_SIZE = 50
SESSION_KEY = "excel_upload"
ERP_TEST_KEY = "erp_test"


def settings_view(request):
    return settings_page(request)


def settings_page(request, *, form=None, erp_form=None, automatic_form=None):
    """The Data loading tab, with a form that came back with errors if there is one."""
    today = timezone.localdate()
    return render(
        request,
        "loads/settings.html",
        {
            "is_server": Module.SERVER.is_allowed(request.user),
            "form": form or ExcelUploadForm(),
            "cancel_form": LoadCancelForm(),
            "automatic_form": automatic_form or AutomaticLoadForm(instance=LoadSettings.load()),
            "erp_form": erp_form
            or ErpLoadForm(
                initial={"reference_date": today, "send_date": today, "template": LoadSettings.load().template_id}
            ),
        },
    )


@require_POST
def erp_test(request):
    """The ERP form's "Test load": what would be loaded, on the Load preview tab; nothing stored."""
    form = ErpLoadForm(request.POST)
    if not form.is_valid():
        return settings_page(request, erp_form=form)
    data = form.cleaned_data
    request.session[ERP_TEST_KEY] = {
        "reference_date": data["reference_date"].isoformat(),
        "send_date": data["send_date"].isoformat(),
        "template": data["template"].pk,
    }
    return redirect("loads:preview")


@require_POST
def erp_load(request):
    form = ErpLoadForm(request.POST)
    if not form.is_valid():
        return settings_page(request, erp_form=form)
    data = form.cleaned_data
    try:
        load = services.load_create_from_erp(
            type=LoadType.MANUAL,
            reference_date=data["reference_date"],
            send_date=data["send_date"],
            template=data["template"],
            user=request.user,
            confirm_repeat=data["confirm_repeat"],
        )
    except (services.LoadError, erp.ErpError) as error:
        form.add_error(None, str(error))
        return settings_page(request, erp_form=form)
    messages.success(
        request,
        " ".join([_("Load %(id)d stored.") % {"id": load.pk}, *(f"{line}." for line in services.load_counts(load))]),
    )
    return redirect("loads:history")


@require_POST
def automatic(request):
    form = AutomaticLoadForm(request.POST, instance=LoadSettings.load())
    if not form.is_valid():
        return settings_page(request, automatic_form=form)
    audited_save(form, user=request.user, target=Text(gettext_noop("Automatic load")))
    services.automatic_load_schedule_sync()
    messages.success(request, _("Automatic load settings saved."))
    return redirect("loads:settings")


def integration(request):
    form = IntegrationForm(request.POST or None, instance=IntegrationSource.load())
    if request.method == "POST" and form.is_valid():
        audited_save(form, user=request.user, target=Text(gettext_noop("ERP integration")))
        messages.success(request, _("Integration saved."))
        return redirect("loads:integration")
    return render(request, "loads/integration.html", {"form": form})


@require_POST
def integration_test(request):
    """The integration form's "Save and test connection"."""
    source = IntegrationSource.load()
    form = IntegrationForm(request.POST, instance=source)
    if not form.is_valid():
        return render(request, "loads/integration.html", {"form": form})
    audited_save(form, user=request.user, target=Text(gettext_noop("ERP integration")))
    try:
        rows = erp.test_connection(source)
    except erp.ErpError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            ngettext(
                "Connected: the query returns %(rows)d row for today.",
                "Connected: the query returns %(rows)d rows for today.",
                rows,
            )
            % {"rows": rows},
        )
    return redirect("loads:integration")


@require_POST
def load_cancel(request):
    form = LoadCancelForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors["load"]))
        return redirect("loads:settings")
    # An operator may delete only their own loads; others' do not exist for them.
    load = selectors.loads_for_user(request.user).filter(pk=form.cleaned_data["load"]).first()
    if load is None:
        messages.error(request, _("There is no load %(id)d.") % {"id": form.cleaned_data["load"]})
        return redirect("loads:settings")
    count = services.load_cancel(load=load, by=request.user)
    messages.success(
        request,
        ngettext(
            "Load %(id)d: %(count)d message not yet sent was cancelled; sent ones stay for the record.",
            "Load %(id)d: %(count)d messages not yet sent were cancelled; sent ones stay for the record.",
            count,
        )
        % {"id": load.pk, "count": count},
    )
    return redirect(f"{reverse('messaging:outgoing')}?load={load.pk}")


@require_POST
def excel_upload(request):
    """Keep the upload and show its preview: the file is read once, nothing is stored."""
    form = ExcelUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return settings_page(request, form=form)
    previous = request.session.pop(SESSION_KEY, None)
    if previous:
        excel.upload_discard(previous["key"])  # a new file replaces the one not confirmed
    upload, template, send_date = (form.cleaned_data[name] for name in ("file", "template", "send_date"))
    key = excel.upload_keep(upload)
    try:
        with excel.upload_path(key).open("rb") as file:
            preview = services.load_preview_from_excel(
                file=file, file_name=upload.name, send_date=send_date, template=template
            )
    except (SpreadsheetError, services.LoadError) as error:
        excel.upload_discard(key)
        form.add_error("file", str(error))
        return settings_page(request, form=form)
    pending = {
        "key": key,
        "name": upload.name,
        "send_date": send_date.isoformat() if send_date else "",
        "template": template.pk if template else None,
    }
    request.session[SESSION_KEY] = pending
    return render(request, "loads/excel_preview.html", {"preview": preview, "pending": pending})


@require_POST
def excel_cancel(request):
    """The preview's Cancel: the kept upload goes, nothing is stored."""
    pending = request.session.pop(SESSION_KEY, None)
    if pending is not None and request.POST.get("key") == pending["key"]:
        excel.upload_discard(pending["key"])
    messages.info(request, _("Load cancelled; nothing was stored."))
    return redirect("loads:settings")


@require_POST
def excel_confirm(request):
    """Load the previewed file: read again as it is stored, batch by batch (bounded memory)."""
    pending = request.session.pop(SESSION_KEY, None)
    if pending is None or request.POST.get("key") != pending["key"]:
        messages.error(request, _("The upload expired: send the file again."))
        return redirect("loads:settings")
    try:
        with excel.upload_path(pending["key"]).open("rb") as file:
            load = services.load_create_from_excel(
                file=file,
                file_name=pending["name"][:255],
                user=request.user,
                send_date=datetime.date.fromisoformat(pending["send_date"]) if pending["send_date"] else None,
                template=Template.objects.filter(pk=pending["template"]).first() if pending["template"] else None,
            )
    except FileNotFoundError:
        messages.error(request, _("The upload expired: send the file again."))
        return redirect("loads:settings")
    except (SpreadsheetError, services.LoadError) as error:
        messages.error(request, str(error))
        return redirect("loads:settings")
    finally:
        excel.upload_discard(pending["key"])
    messages.success(
        request,
        " ".join([_("Load %(id)d stored.") % {"id": load.pk}, *(f"{line}." for line in services.load_counts(load))]),
    )
    return redirect("loads:history")


def excel_example(request):
    response = HttpResponse(
        excel.example_workbook(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = 'attachment; filename="ejemplo-carga-sms.xlsx"'
    return response


def history(request):
    loads = selectors.load_history(user=request.user)
    if request.GET.get("export"):
        return export_response(LoadResource(), loads, name="historico-de-cargas", file_format=request.GET["export"])
    page = Paginator(loads, PAGE_SIZE).get_page(request.GET.get("page"))
    selectors.load_states(page.object_list)
    return render(request, "loads/history.html", {"page": page, "auto_refresh": True})


def preview(request):
    """The Load preview tab: the last test load, computed afresh, nothing stored."""
    asked = request.session.get(ERP_TEST_KEY)
    context = {"asked": asked}
    if asked:
        try:
            context["plan"] = services.load_plan_from_erp(
                reference_date=datetime.date.fromisoformat(asked["reference_date"]),
                send_date=datetime.date.fromisoformat(asked["send_date"]),
                template=Template.objects.filter(pk=asked["template"]).first(),
                today=timezone.localdate(),
            )
        except (services.LoadError, erp.ErpError) as error:
            context["error"] = str(error)
    return render(request, "loads/preview.html", context)


def templates(request, pk=None):
    current = get_object_or_404(Template, pk=pk) if pk else None
    form = TemplateForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        saved = audited_save(
            form, user=request.user, target=Text(gettext_noop("Template %(name)s"), name=form.cleaned_data["name"])
        )
        messages.success(request, _("Template %(name)s saved.") % {"name": saved.name})
        return redirect("loads:template_edit", pk=saved.pk)
    return render(
        request,
        "loads/templates.html",
        {
            "form": form,
            "current": current,
            "templates": Template.objects.all(),
            "tokens": STANDARD_TOKENS,
            "measure": services.template_measure(
                text=form["text"].value() or "", company=licence_current().company, today=timezone.localdate()
            ),
            "test_form": TemplateTestForm(),
        },
    )


@require_POST
def template_measure(request):
    measure = services.template_measure(
        text=request.POST.get("text", "")[:2000], company=licence_current().company, today=timezone.localdate()
    )
    return JsonResponse(measure)


@require_POST
def template_test(request, pk):
    template = get_object_or_404(Template, pk=pk)
    form = TemplateTestForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors["phone"]))
        return redirect("loads:template_edit", pk=pk)
    text = services.template_measure(text=template.text, company=licence_current().company, today=timezone.localdate())[
        "rendered"
    ]
    message = test_sms_queue(phone=form.cleaned_data["phone"], by=request.user, text=text)
    messages.success(
        request, _("Test message %(id)d queued for %(phone)s.") % {"id": message.pk, "phone": message.phone}
    )
    return redirect("loads:template_edit", pk=pk)
