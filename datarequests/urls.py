from django.urls import path

from datarequests import views

app_name = "requests"
urlpatterns = [
    path("", views.RequestListView.as_view(), name="list"),
    path("<int:request_id>/", views.RequestDetailView.as_view(), name="detail"),
    path("<int:request_id>/withdraw/", views.WithdrawView.as_view(), name="withdraw"),
    path(
        "<int:request_id>/estimate/<str:answer>/",
        views.EstimateAnswerView.as_view(),
        name="estimate",
    ),
    path("<int:request_id>/export/", views.ExportDownloadView.as_view(), name="export"),
]
