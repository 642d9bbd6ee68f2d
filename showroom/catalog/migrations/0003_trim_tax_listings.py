"""Trims learn whether they are listed for the NEV purchase-tax reduction and the vehicle and vessel tax exemption.

Until now every new-energy trim was quoted as listed for both; existing new-energy trims keep that, except a plug-in
hybrid or range extender whose electric range is known and below 100 km: since 2026 it cannot be in the purchase-tax
catalogue, so it is not marked as listed (its buyer pays the full purchase tax).
"""

from django.db import migrations, models

NEW_ENERGY = ("phev", "erev", "bev")
NEEDS_RANGE = ("phev", "erev")
MIN_RANGE_KM = 100


def listed_as_before(apps, schema_editor):
    Trim = apps.get_model("catalog", "Trim")
    nev = Trim.objects.filter(powertrain__in=NEW_ENERGY)
    nev.update(vessel_tax_exempt=True)
    nev.exclude(powertrain__in=NEEDS_RANGE, range_km__lt=MIN_RANGE_KM).update(nev_tax_catalogue=True)


class Migration(migrations.Migration):

    dependencies = [
        ("catalog", "0002_retire_brands_colours_options"),
    ]

    operations = [
        migrations.AddField(
            model_name="trim",
            name="nev_tax_catalogue",
            field=models.BooleanField(default=False, help_text="In the MIIT catalogue of new-energy cars whose purchase tax is reduced.", verbose_name="listed for the NEV purchase-tax reduction"),
        ),
        migrations.AddField(
            model_name="trim",
            name="vessel_tax_exempt",
            field=models.BooleanField(default=False, help_text="Plug-in hybrids and range extenders in the exemption catalogue; a battery electric car is outside the tax.", verbose_name="listed as exempt from vehicle and vessel tax"),
        ),
        migrations.RunPython(listed_as_before, migrations.RunPython.noop, elidable=True),
    ]
