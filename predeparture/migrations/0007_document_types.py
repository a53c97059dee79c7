"""The documents a case needs (DocumentType): which step needs each, who uploads and who
verifies it, whether it expires, and which of the worker's own documents may stand for it."""

from django.db import migrations

TYPES = [
    # code, step, uploaded by, verified by, expires, candidate kind, names (it, fr, ar, en)
    (
        "signed-offer",
        "accepted",
        "company",
        "iom",
        False,
        "",
        ("Offerta firmata", "Offre signée", "العرض الموقّع", "Signed offer"),
    ),
    (
        "training-certificate",
        "listed",
        "centre",
        "iom",
        False,
        "diploma",
        (
            "Certificato di formazione",
            "Certificat de formation",
            "شهادة التكوين",
            "Training certificate",
        ),
    ),
    (
        "safety-certificate",
        "listed",
        "centre",
        "iom",
        False,
        "",
        (
            "Attestato di sicurezza sul lavoro",
            "Certificat de sécurité au travail",
            "شهادة السلامة في العمل",
            "Safety certificate",
        ),
    ),
    (
        "italian-certificate",
        "listed",
        "centre",
        "iom",
        False,
        "",
        (
            "Certificato di lingua italiana",
            "Certificat de langue italienne",
            "شهادة اللغة الإيطالية",
            "Italian language certificate",
        ),
    ),
    (
        "accommodation-declaration",
        "nulla_osta_requested",
        "company",
        "iom",
        False,
        "",
        (
            "Dichiarazione di alloggio",
            "Déclaration de logement",
            "تصريح السكن",
            "Accommodation declaration",
        ),
    ),
    (
        "nulla-osta",
        "nulla_osta_issued",
        "company",
        "iom",
        True,
        "",
        ("Nulla osta", "Nulla osta", "الترخيص (nulla osta)", "Nulla osta"),
    ),
    (
        "passport",
        "visa_applied",
        "candidate",
        "iom",
        True,
        "passport",
        ("Passaporto", "Passeport", "جواز السفر", "Passport"),
    ),
    (
        "photo",
        "visa_applied",
        "candidate",
        "iom",
        False,
        "",
        ("Fotografia", "Photo", "صورة شخصية", "Photo"),
    ),
    (
        "criminal-record",
        "visa_applied",
        "candidate",
        "iom",
        True,
        "",
        (
            "Certificato del casellario giudiziale",
            "Extrait de casier judiciaire",
            "شهادة السوابق العدلية",
            "Criminal record certificate",
        ),
    ),
    (
        "medical-certificate",
        "visa_applied",
        "candidate",
        "iom",
        True,
        "",
        ("Certificato medico", "Certificat médical", "الشهادة الطبية", "Medical certificate"),
    ),
    (
        "visa",
        "visa_issued",
        "candidate",
        "company",
        True,
        "",
        ("Visto", "Visa", "التأشيرة", "Visa"),
    ),
    (
        "flight-ticket",
        "orientation",
        "company",
        "iom",
        False,
        "",
        ("Biglietto aereo", "Billet d'avion", "تذكرة الطائرة", "Flight ticket"),
    ),
    (
        "contratto-di-soggiorno",
        "contract_signed",
        "company",
        "iom",
        False,
        "",
        (
            "Contratto di soggiorno",
            "Contratto di soggiorno",
            "عقد الإقامة (contratto di soggiorno)",
            "Contratto di soggiorno",
        ),
    ),
    (
        "permesso-receipt",
        "contract_signed",
        "company",
        "iom",
        False,
        "",
        (
            "Ricevuta della richiesta di permesso di soggiorno",
            "Récépissé de la demande de permesso di soggiorno",
            "وصل طلب تصريح الإقامة",
            "Permesso di soggiorno receipt",
        ),
    ),
    (
        "codice-fiscale",
        "registered",
        "company",
        "iom",
        False,
        "",
        ("Codice fiscale", "Codice fiscale", "الرمز الضريبي (codice fiscale)", "Codice fiscale"),
    ),
]


def create_document_types(apps, schema_editor):
    DocumentType = apps.get_model("predeparture", "DocumentType")
    for position, (code, step, uploader, verifier, expires, kind, names) in enumerate(TYPES):
        DocumentType.objects.update_or_create(
            code=code,
            defaults={
                "step": step,
                "uploaded_by": uploader,
                "verified_by": verifier,
                "expires": expires,
                "candidate_kind": kind,
                "position": position,
                "names": dict(zip(("it", "fr", "ar", "en"), names, strict=True)),
            },
        )


class Migration(migrations.Migration):
    dependencies = [("predeparture", "0006_documents")]

    operations = [migrations.RunPython(create_document_types, migrations.RunPython.noop)]
