from django.urls import path

from testimonials import views

app_name = "testimonials"
urlpatterns = [path("<slug:kind>/", views.testimonial_list, name="list")]
