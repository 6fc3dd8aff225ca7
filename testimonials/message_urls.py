"""/campaigns/<slug>/messages/: the published cheering messages and the form to leave one."""

from django.urls import path

from testimonials import message_views

app_name = "support_messages"
urlpatterns = [
    path("", message_views.message_list, name="list"),
    path("new/", message_views.message_new, name="new"),
    path("sent/", message_views.message_sent, name="sent"),
]
