"""Demo company profiles and production units for `manage.py seed_demo` (idempotent)."""

from accounts.models import Organisation

from .models import Company, ProductionUnit, make_partita_iva

UNITS = {
    # company organisation name → (serial for its Partita IVA, address, comune, province)
    "Meccanica Orobica S.r.l.": (3012001, "Via Zanica 42", "Bergamo", "IT-BG"),
    "Automazioni Emiliane S.p.A.": (3012002, "Via Emilia Est 1200", "Modena", "IT-MO"),
    "Veneta Robotica S.r.l.": (3012003, "Viale del Lavoro 8", "Vicenza", "IT-VI"),
}


def seed() -> int:
    for name, (serial, address, comune, province) in UNITS.items():
        organisation = Organisation.objects.get(kind=Organisation.Kind.COMPANY, name=name)
        company, _created = Company.objects.get_or_create(
            organisation=organisation,
            defaults={"legal_name": name, "partita_iva": make_partita_iva(serial)},
        )
        if not company.units.exists():
            unit = ProductionUnit(
                company=company, address=address, comune=comune, province=province
            )
            unit.full_clean()
            unit.save()
    return Company.objects.count()
