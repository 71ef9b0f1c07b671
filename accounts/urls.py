from django.urls import path

from accounts import views

app_name = "accounts"
urlpatterns = [
    path("server/", views.server, name="server"),
    path("users/", views.users, name="users"),
]
