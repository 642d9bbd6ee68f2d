from django.db import migrations

CHUNK = 500


def mark_shared(apps, schema_editor):
    """Customers of whom another consultant, or the pool, holds a lead (see Customer.shared)."""
    Lead = apps.get_model("leads", "Lead")
    Customer = apps.get_model("customers", "Customer")
    shared = sorted({
        customer_id
        for customer_id, lead_owner, customer_owner in Lead.objects.values_list("customer_id", "owner_id", "customer__owner_id").iterator(chunk_size=5000)
        if lead_owner != customer_owner
    })
    for start in range(0, len(shared), CHUNK):
        Customer.objects.filter(pk__in=shared[start:start + CHUNK]).update(shared=True)


def unmark(apps, schema_editor):
    apps.get_model("customers", "Customer").objects.filter(shared=True).update(shared=False)


class Migration(migrations.Migration):
    dependencies = [
        ("customers", "0002_customer_shared_with_another_consultant"),
        ("leads", "0002_indexes_for_the_workbench_and_pipeline"),
    ]

    operations = [migrations.RunPython(mark_shared, unmark)]
