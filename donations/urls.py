from django.urls import path

from donations import views

app_name = "donations"
urlpatterns = [
    path("", views.start, name="start"),
    path("confirm/", views.confirm, name="confirm"),
    path("pay/", views.pay, name="pay"),
    path("thanks/", views.thanks, name="thanks"),
    path("test-checkout/<uuid:token>/", views.test_checkout, name="test_checkout"),
    path("manage/", views.manage, name="manage"),
    path("manage/open/", views.manage_open, name="manage_open"),
    # Links sent before the token moved to the query string (valid for 14 days after sending).
    path("manage/<str:token>/", views.manage_open),
]
