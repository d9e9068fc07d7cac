"""Fill `Tag.search_name` for the tags that existed before the column (in batches)."""

from django.db import migrations

from centric.core.search import search_key

BATCH = 1000


def fill(apps, schema_editor):
    tag_model = apps.get_model("extras", "Tag")
    last_id = 0
    while True:
        tags = list(tag_model.objects.filter(id__gt=last_id).order_by("id")[:BATCH])
        if not tags:
            return
        for tag in tags:
            tag.search_name = search_key(tag.name)[:200]
        tag_model.objects.bulk_update(tags, ["search_name"])
        last_id = tags[-1].id


class Migration(migrations.Migration):
    dependencies = [("extras", "0002_tag_search_name")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
