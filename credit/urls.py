from django.urls import path

from credit import views

app_name = "credit"
urlpatterns = [
    path("", views.settings_view, name="settings"),
]
