from django.urls import path

from policies import views

app_name = "policies"
urlpatterns = [
    path("", views.PolicyView.as_view(), name="current"),
    path("acknowledge/", views.AcknowledgeView.as_view(), name="acknowledge"),
    path("<str:version>/", views.PolicyView.as_view(), name="version"),
]
