from django.urls import path

from accounts import views

app_name = "accounts"
urlpatterns = [
    path("register/", views.RegisterView.as_view(), name="register"),
    path("login/", views.SignInView.as_view(), name="login"),
    path("logout/", views.SignOutView.as_view(), name="logout"),
    path("me/", views.MyDataView.as_view(), name="my-data"),
    path("me/edit/", views.EditRegistrationView.as_view(), name="edit"),
    path("me/email/<str:token>/", views.EmailChangeConfirmView.as_view(), name="email-confirm"),
    path("me/marketing/", views.MarketingView.as_view(), name="marketing"),
    path("me/password/", views.PasswordChangeView.as_view(), name="password"),
    path("password-reset/", views.PasswordResetView.as_view(), name="password-reset"),
    path("password-reset/sent/", views.PasswordResetSentView.as_view(), name="password-reset-sent"),
    path(
        "password-reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password-reset-confirm",
    ),
    path(
        "password-reset/done/",
        views.PasswordResetCompleteView.as_view(),
        name="password-reset-complete",
    ),
    path("two-factor/", views.TwoFactorSetupView.as_view(), name="two-factor"),
    path(
        "two-factor/enrol/<str:token>/", views.TwoFactorEnrolView.as_view(), name="two-factor-enrol"
    ),
]
