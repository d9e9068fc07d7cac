"""Fill `User.search_name` for the staff who existed before the column (in batches)."""

from django.db import migrations

from centric.core.search import search_key

BATCH = 1000


def fill(apps, schema_editor):
    user_model = apps.get_model("staff", "User")
    last_id = 0
    while True:
        users = list(user_model.objects.filter(id__gt=last_id).order_by("id")[:BATCH])
        if not users:
            return
        for user in users:
            user.search_name = search_key(f"{user.first_name} {user.last_name} {user.username}")[
                :400
            ]
        user_model.objects.bulk_update(users, ["search_name"])
        last_id = users[-1].id


class Migration(migrations.Migration):
    dependencies = [("staff", "0002_user_search_name")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
