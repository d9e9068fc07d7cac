from django.urls import path

from centric.imports import views

app_name = "imports"
urlpatterns = [
    path("", views.job_list, name="list"),
    path("new/", views.upload, name="upload"),
    path("templates/", views.template_list, name="templates"),
    path("<int:pk>/", views.job_detail, name="detail"),
    path("<int:pk>/mapping/", views.mapping, name="mapping"),
    path("<int:pk>/progress/", views.job_progress, name="progress"),
    path("<int:pk>/rejected.csv", views.rejected_csv, name="rejected_csv"),
    path("<int:pk>/notices.csv", views.notices_csv, name="notices_csv"),
    path("export/people.csv", views.export_people_csv, name="export_people_csv"),
    path("export/people.xlsx", views.export_people_xlsx, name="export_people_xlsx"),
    path("export/people.vcf", views.export_people_vcf, name="export_people_vcf"),
    path("export/person/<int:pk>.vcf", views.export_person_vcf, name="export_person_vcf"),
    path(
        "export/organisations.csv", views.export_organisations_csv, name="export_organisations_csv"
    ),
    path(
        "export/organisations.xlsx",
        views.export_organisations_xlsx,
        name="export_organisations_xlsx",
    ),
]
