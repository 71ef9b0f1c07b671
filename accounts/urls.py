from django.urls import path

from accounts import views

app_name = "accounts"
urlpatterns = [
    path("server/", views.server, name="server"),
    path("server/licence/", views.licence, name="licence"),
    path("server/smtp/", views.smtp, name="smtp"),
    path("server/test-email/", views.test_email, name="test_email"),
    path("server/event-log/", views.event_log, name="event_log"),
    path("server/audit/", views.audit_trail, name="audit"),
    path("server/logs/clear/", views.event_log_clear, name="event_log_clear"),
    path("server/logs/<str:name>/", views.event_log_show, name="event_log_show"),
    path("server/logs/<str:name>/download/", views.event_log_download, name="event_log_download"),
    path("users/", views.users, name="users"),
    path("users/save/", views.users_save, name="users_save"),
    path("users/new/", views.user_create, name="user_create"),
    path("users/<int:pk>/password/", views.user_password_reset, name="user_password_reset"),
    path("users/<int:pk>/enabled/", views.user_enabled, name="user_enabled"),
]
