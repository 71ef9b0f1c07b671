from django.urls import include, path

from api import views
from api.endpoints import api

keys = [
    path("", views.keys, name="list"),
    path("new/", views.key_create, name="create"),
    path("<int:pk>/revoke/", views.key_revoke, name="revoke"),
]

urlpatterns = [
    # /api/v1/... (the endpoints), /api/docs/ (Swagger UI from our static files), /api/openapi.json
    path("api/", api.urls),
    # The Users tab's API keys.
    path("users/api-keys/", include((keys, "api_keys"))),
]
