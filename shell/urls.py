from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from shell import views

urlpatterns = [
    path("", views.home, name="home"),
    path("status/", views.status, name="status"),
    path("health/", views.health, name="health"),
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("language/", views.language, name="language"),
    path("messages/", include("messaging.urls")),
    path("loads/", include("loads.urls")),
    path("modem/", include("modem.urls")),
    path("credit/", include("credit.urls")),
    path("", include("api.urls")),
    path("", include("accounts.urls")),
    path("admin/", admin.site.urls),
]
