from django.urls import path

from credit import views

app_name = "credit"
urlpatterns = [
    path("", views.settings_view, name="settings"),
    path("counter/reset/", views.counter_reset, name="counter_reset"),
    path("counter/", views.counter, name="counter"),
    path("query/", views.query, name="query"),
    path("daily/", views.daily, name="daily"),
    path("profile/", views.profile, name="profile"),
]
