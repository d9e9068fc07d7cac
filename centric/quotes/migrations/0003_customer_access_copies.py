# Each row keeps its customers' owner and team (decision 0070), filled here once.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from centric.customers.about import fill_copies


class Migration(migrations.Migration):

    dependencies = [
        ('quotes', '0002_deal_products'),
        ('staff', '0003_fill_user_search_name'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='quote',
            name='organisation_owner',
            field=models.ForeignKey(db_index=False, editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='quote',
            name='organisation_team',
            field=models.ForeignKey(db_index=False, editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='staff.team'),
        ),
        migrations.AddField(
            model_name='quote',
            name='person_owner',
            field=models.ForeignKey(db_index=False, editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='quote',
            name='person_team',
            field=models.ForeignKey(db_index=False, editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='staff.team'),
        ),
        fill_copies("quotes_quote"),
    ]
