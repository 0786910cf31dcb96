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
    path("without-an-account/", views.PublicRequestView.as_view(), name="public"),
    path("without-an-account/code/", views.PublicCodeView.as_view(), name="public-code"),
    path("download/<str:token>/", views.PublicExportView.as_view(), name="public-export"),
    path("message/<str:token>/", views.PublicMessageView.as_view(), name="public-message"),
]
