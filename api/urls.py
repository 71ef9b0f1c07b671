from django.urls import path

from api.endpoints import api

# /api/v1/... (the endpoints), /api/docs/ (Swagger UI from our static files), /api/openapi.json
urlpatterns = [path("", api.urls)]
