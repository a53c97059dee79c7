import datetime

from django.db import migrations

# Version 1 of the employer-pays statement (DESIGN.md §6). A new version is a new row (admin or
# migration): every company is then asked to sign again before making offers.
BODY = {
    "it": (
        "L'azienda dichiara che nessuna commissione, tariffa o costo di reclutamento è stato o "
        "sarà addebitato, direttamente o indirettamente, ai lavoratori selezionati nell'ambito "
        "del programma THAMM Plus: né per la selezione, né per la formazione, né per il visto, "
        "il viaggio o i documenti. L'azienda si impegna a far rispettare lo stesso principio "
        "da chiunque recluti per suo conto e a segnalare all'OIM qualsiasi richiesta di denaro "
        "ai lavoratori di cui venga a conoscenza. L'OIM può sospendere la partecipazione "
        "dell'azienda in caso di violazione."
    ),
    "en": (
        "The company declares that no recruitment fee, charge or cost has been or will be "
        "charged, directly or indirectly, to the workers selected through the THAMM Plus "
        "programme: not for selection, training, visa, travel or documents. The company will "
        "make anyone recruiting on its behalf respect the same principle and will report to IOM "
        "any request for money made to workers that comes to its knowledge. IOM may suspend the "
        "company's participation if this is breached."
    ),
    "fr": (
        "L'entreprise déclare qu'aucun frais, commission ou coût de recrutement n'a été ni ne "
        "sera facturé, directement ou indirectement, aux travailleurs sélectionnés dans le "
        "cadre du programme THAMM Plus : ni pour la sélection, ni pour la formation, ni pour le "
        "visa, le voyage ou les documents. L'entreprise fera respecter le même principe par "
        "quiconque recrute pour son compte et signalera à l'OIM toute demande d'argent faite "
        "aux travailleurs dont elle aurait connaissance. L'OIM peut suspendre la participation "
        "de l'entreprise en cas de manquement."
    ),
    "ar": (
        "تصرح الشركة بأنه لم يتم ولن يتم تحميل العمال الذين يتم اختيارهم في إطار برنامج "
        "THAMM Plus أي رسوم أو عمولة أو تكلفة توظيف، بشكل مباشر أو غير مباشر: لا مقابل "
        "الاختيار ولا التكوين ولا التأشيرة ولا السفر ولا الوثائق. وتلتزم الشركة بأن يحترم كل من "
        "يوظف نيابة عنها المبدأ نفسه، وبأن تبلغ المنظمة الدولية للهجرة بأي طلب مال من العمال "
        "يصل إلى علمها. ويجوز للمنظمة الدولية للهجرة تعليق مشاركة الشركة في حالة الإخلال بذلك."
    ),
}

# The regional bodies through which companies express interest, per destination region.
BODIES = [
    ("IT-25", "Unioncamere Lombardia"),
    ("IT-34", "Veneto Lavoro"),
    ("IT-45", "Agenzia regionale per il lavoro dell'Emilia-Romagna"),
]


def create(apps, schema_editor):
    Statement = apps.get_model("companies", "EmployerPaysStatement")
    Statement.objects.get_or_create(
        version=1,
        defaults={
            "published_on": datetime.date(2024, 1, 1),
            **{f"body_{lang}": text for lang, text in BODY.items()},
        },
    )
    Scheme = apps.get_model("thamm", "Scheme")
    RegionalBody = apps.get_model("companies", "RegionalBody")
    scheme = Scheme.objects.filter(code="thamm-plus").first()
    if scheme is not None:
        for region, name in BODIES:
            RegionalBody.objects.get_or_create(scheme=scheme, name=name, defaults={"region": region})


class Migration(migrations.Migration):
    dependencies = [
        ("companies", "0002_profile_verification_vacancies"),
        ("thamm", "0003_thamm_plus_scheme"),
    ]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
