from django.urls import path

from modem import views

app_name = "modem"
urlpatterns = [
    path("", views.settings_view, name="settings"),
    path("live/", views.live_view, name="live"),
    path("new/", views.new, name="new"),
    path("<int:pk>/", views.settings_view, name="edit"),
    path("<int:pk>/defaults/", views.load_defaults, name="load_defaults"),
    path("<int:pk>/detect-ports/", views.detect_ports_command, name="detect_ports"),
    path("<int:pk>/reconnect/", views.reconnect, name="reconnect"),
    path("<int:pk>/simulate/sms/", views.simulate_sms, name="simulate_sms"),
    path("<int:pk>/simulate/call/", views.simulate_call, name="simulate_call"),
    path("test-sms/", views.test_sms, name="test_sms"),
    path("processing/", views.processing, name="processing"),
    path("processing/live/", views.processing_live, name="processing_live"),
]
