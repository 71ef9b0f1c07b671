from django.urls import path

from loads import views

app_name = "loads"
urlpatterns = [
    path("", views.settings_view, name="settings"),
    path("excel/", views.excel_upload, name="excel_upload"),
    path("excel/confirm/", views.excel_confirm, name="excel_confirm"),
    path("excel/cancel/", views.excel_cancel, name="excel_cancel"),
    path("excel/example/", views.excel_example, name="excel_example"),
    path("cancel/", views.load_cancel, name="cancel"),
    path("erp/", views.erp_load, name="erp_load"),
    path("erp/test/", views.erp_test, name="erp_test"),
    path("automatic/", views.automatic, name="automatic"),
    path("integration/", views.integration, name="integration"),
    path("integration/test/", views.integration_test, name="integration_test"),
    path("history/", views.history, name="history"),
    path("templates/", views.templates, name="templates"),
    path("templates/<int:pk>/", views.templates, name="template_edit"),
    path("templates/<int:pk>/test/", views.template_test, name="template_test"),
    path("templates/measure/", views.template_measure, name="template_measure"),
    path("preview/", views.preview, name="preview"),
]
