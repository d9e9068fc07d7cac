from django.urls import path

from centric.core.kit.pages import record_urls
from centric.orders import views
from centric.orders.models import Order

app_name = "orders"

urlpatterns = [
    path("queue/", views.queue, name="queue"),
    *record_urls(Order, ""),
]
