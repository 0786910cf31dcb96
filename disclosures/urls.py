from django.urls import path

from disclosures import views

app_name = "disclosures"

urlpatterns = [
    path("acknowledge/<str:token>/", views.AcknowledgeView.as_view(), name="acknowledge"),
]
