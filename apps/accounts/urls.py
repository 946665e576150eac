from django.urls import path

from . import bulk_views, views

app_name = "accounts"

urlpatterns = [
    path("manage/", views.account_manage_list, name="manage"),
    path("manage/<id:pk>/", views.account_detail, name="detail"),
    path("manage/<id:pk>/reset/", views.account_reset, name="reset"),
    path("manage/<id:pk>/active/", views.account_active, name="active"),
    path("manage/<id:pk>/unlock/", views.account_unlock, name="unlock"),
    path("bulk/", bulk_views.bulk_page, name="bulk"),
    path("bulk/confirm/", bulk_views.bulk_confirm, name="bulk_confirm"),
    path("bulk/sheet/<str:token>.<str:fmt>", bulk_views.bulk_sheet, name="bulk_sheet"),
    path("bulk/sheet/<str:token>/forget/", bulk_views.bulk_sheet_forget, name="bulk_sheet_forget"),
    path("password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("password/done/", views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("contact/", views.contact, name="contact"),
    path("password-reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path("password-reset/sent/", views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "password-reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("password-reset/done/", views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
]
