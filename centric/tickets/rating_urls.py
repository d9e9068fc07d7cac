"""The customer's rating page (`/rate/<signed token>/`): no sign-in, the link is the key."""

from django.urls import path

from centric.tickets import satisfaction_views

app_name = "rating"

urlpatterns = [path("<str:token>/", satisfaction_views.rate, name="rate")]
