from django.urls import path

from cookies import views

app_name = "cookies"
urlpatterns = [
    path("", views.PreferenceCentreView.as_view(), name="preferences"),
    path("consent/", views.ConsentView.as_view(), name="consent"),
    path("do-not-sell/", views.DoNotSellView.as_view(), name="do-not-sell"),
]
