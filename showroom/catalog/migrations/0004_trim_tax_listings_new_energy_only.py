# A migration of its own: on PostgreSQL a table cannot be altered in the transaction that updated its rows.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("catalog", "0003_trim_tax_listings"),
    ]

    operations = [
        migrations.AddConstraint(
            model_name="trim",
            constraint=models.CheckConstraint(condition=models.Q(("powertrain__in", ["bev", "erev", "phev"]), models.Q(("nev_tax_catalogue", False), ("vessel_tax_exempt", False)), _connector="OR"), name="trim_tax_listings_new_energy_only"),
        ),
    ]
