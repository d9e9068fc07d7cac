from django.urls import path

from centric.identity import queue_views, views

app_name = "identity"
urlpatterns = [
    path("", views.customer_count, name="count"),
    path("runs/", views.run_start, name="run_start"),
    path("runs/<int:pk>/", views.run_status, name="run_status"),
    path("duplicates/", queue_views.duplicate_queue, name="queue"),
    path("duplicates/check", views.duplicate_check, name="duplicate_check"),
    path("duplicates/accept/", queue_views.clusters_accept_view, name="accept_clusters"),
    path("duplicates/accepted/<int:pk>/", queue_views.bulk_merge_detail, name="bulk_merge"),
    path(
        "duplicates/accepted/<int:pk>/undo/",
        queue_views.bulk_merge_undo_view,
        name="bulk_merge_undo",
    ),
    path("duplicates/<int:pk>/", views.pair_detail, name="pair_detail"),
    path("duplicates/<int:pk>/not-same/", views.pair_not_same, name="pair_not_same"),
    path("merge/", views.merge_preview, name="merge_preview"),
    path("merges/", views.merge_list, name="merges"),
    path("merges/<int:pk>/undo/", views.merge_undo_view, name="merge_undo"),
    path("settings/", views.identity_settings, name="settings"),
]
