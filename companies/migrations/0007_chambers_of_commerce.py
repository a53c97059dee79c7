from django.db import migrations

# The chambers of commerce of the scheme's regions as they are after the mergers of the 2016 reform
# (the latest: the Camera di Commercio dell'Emilia in 2023, Cremona-Mantova-Pavia in 2024), with the
# provinces of their areas (pycountry's codes, as production units use them). IOM keeps them up to
# date in the admin.
CHAMBERS = [
    # (name, city of its seat, provinces). Bergamo keeps the name the portal gave it (the chamber
    # and Bergamo Sviluppo, its agency for firms).
    ("Camera di Commercio di Milano Monza Brianza Lodi", "Milano", ["IT-MI", "IT-MB", "IT-LO"]),
    ("Camera di Commercio di Bergamo — Bergamo Sviluppo", "Bergamo", ["IT-BG"]),
    ("Camera di Commercio di Brescia", "Brescia", ["IT-BS"]),
    ("Camera di Commercio di Como-Lecco", "Como", ["IT-CO", "IT-LC"]),
    ("Camera di Commercio di Cremona-Mantova-Pavia", "Mantova", ["IT-CR", "IT-MN", "IT-PV"]),
    ("Camera di Commercio di Sondrio", "Sondrio", ["IT-SO"]),
    ("Camera di Commercio di Varese", "Varese", ["IT-VA"]),
    ("Camera di Commercio di Bologna", "Bologna", ["IT-BO"]),
    ("Camera di Commercio di Ferrara e Ravenna", "Ravenna", ["IT-FE", "IT-RA"]),
    ("Camera di Commercio di Modena", "Modena", ["IT-MO"]),
    ("Camera di Commercio dell'Emilia", "Parma", ["IT-PC", "IT-PR", "IT-RE"]),
    ("Camera di Commercio della Romagna — Forlì-Cesena e Rimini", "Forlì", ["IT-FC", "IT-RN"]),
    ("Camera di Commercio di Padova", "Padova", ["IT-PD"]),
    ("Camera di Commercio di Treviso-Belluno Dolomiti", "Treviso", ["IT-TV", "IT-BL"]),
    ("Camera di Commercio di Venezia Rovigo", "Venezia", ["IT-VE", "IT-RO"]),
    ("Camera di Commercio di Verona", "Verona", ["IT-VR"]),
    ("Camera di Commercio di Vicenza", "Vicenza", ["IT-VI"]),
]


def load(apps, schema_editor):
    Organisation = apps.get_model("accounts", "Organisation")
    ChamberProvince = apps.get_model("companies", "ChamberProvince")
    for name, city, provinces in CHAMBERS:
        # A chamber already on the portal (the Bergamo one, whatever follows its name) is kept,
        # with its members, grants and companies, not made twice.
        stem = name.split(" — ")[0]
        chamber = (
            Organisation.objects.filter(kind="chamber", name__istartswith=stem)
            .order_by("pk")
            .first()
        )
        if chamber is None:
            chamber = Organisation.objects.create(
                kind="chamber", name=name, city=city, country="IT"
            )
        for province in provinces:
            ChamberProvince.objects.get_or_create(province=province, defaults={"chamber": chamber})


class Migration(migrations.Migration):
    dependencies = [
        ("companies", "0006_chamber_provinces"),
    ]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
