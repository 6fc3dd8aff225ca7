from django.urls import path

from donations.giving import bank_views, card_update_views, receipt_views, views

app_name = "donations"
urlpatterns = [
    path("", views.start, name="start"),
    path("confirm/", views.confirm, name="confirm"),
    path("pay/", views.pay, name="pay"),
    path("thanks/", views.thanks, name="thanks"),
    path("test-checkout/<uuid:token>/", views.test_checkout, name="test_checkout"),
    path("bank/", bank_views.pledge, name="bank_pledge"),
    path("bank/<str:token>/", bank_views.pledged, name="bank_pledged"),
    path("receipt/<str:token>/", receipt_views.payment_receipt, name="receipt"),
    path("manage/", views.manage, name="manage"),
    path("manage/open/", views.manage_open, name="manage_open"),
    path("manage/card/", card_update_views.card_update, name="card_update"),
    # The old form of manage links, with the token in the path (which access logs keep): retired;
    # the page offers a new link. gunicorn's access log drops the token (access_log.py).
    path("manage/<str:token>/", views.manage_link_retired),
]
