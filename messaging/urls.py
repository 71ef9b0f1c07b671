from django.urls import path

from messaging import views

app_name = "messaging"
urlpatterns = [
    path("settings/", views.settings_view, name="settings"),
    path("settings/sending/", views.sending_switch, name="sending_switch"),
    path("outgoing/", views.outgoing, name="outgoing"),
    path("outgoing/live/", views.outgoing_live, name="outgoing_live"),
    path("incoming/", views.incoming, name="incoming"),
    path("incoming/live/", views.incoming_live, name="incoming_live"),
]
