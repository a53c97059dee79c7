import datetime

from django.db import migrations

# Version 1 of the candidates' privacy notice. A new version is a new row (admin or migration):
# candidates are then asked to consent again.
BODY = {
    "en": (
        "The THAMM Plus programme, coordinated by IOM, keeps your personal data (identity, "
        "contacts, training results, documents) to train you and to help you find a job in "
        "Italy. Your training centre and IOM can see it. Companies see your profile only if you "
        "agree below: first without your name (a code, your skills, results, Italian level and "
        "availability), and your identity only after you agree for that company. You can "
        "withdraw your agreement at any time on this page: companies stop seeing you at once. "
        "You can ask IOM to see, correct or delete your data."
    ),
    "fr": (
        "Le programme THAMM Plus, coordonné par l'OIM, conserve vos données personnelles "
        "(identité, coordonnées, résultats de formation, documents) pour vous former et vous "
        "aider à trouver un emploi en Italie. Votre centre de formation et l'OIM peuvent les "
        "voir. Les entreprises ne voient votre profil que si vous l'acceptez ci-dessous : "
        "d'abord sans votre nom (un code, vos compétences, vos résultats, votre niveau d'italien "
        "et votre disponibilité), et votre identité seulement après votre accord pour cette "
        "entreprise. Vous pouvez retirer votre accord à tout moment sur cette page : les "
        "entreprises cessent aussitôt de vous voir. Vous pouvez demander à l'OIM de consulter, "
        "corriger ou supprimer vos données."
    ),
    "ar": (
        "يحتفظ برنامج THAMM Plus، الذي تنسقه المنظمة الدولية للهجرة، ببياناتك الشخصية (الهوية "
        "ووسائل الاتصال ونتائج التكوين والوثائق) من أجل تكوينك ومساعدتك على إيجاد عمل في "
        "إيطاليا. يمكن لمركز التكوين الخاص بك وللمنظمة الدولية للهجرة الاطلاع عليها. لا ترى "
        "الشركات ملفك إلا إذا وافقت على ذلك أدناه: في البداية دون اسمك (رمز ومهاراتك ونتائجك "
        "ومستواك في اللغة الإيطالية ومدى توفرك)، ولا ترى هويتك إلا بعد موافقتك لتلك الشركة. "
        "يمكنك سحب موافقتك في أي وقت من هذه الصفحة: تتوقف الشركات عن رؤيتك فورًا. يمكنك أن "
        "تطلب من المنظمة الدولية للهجرة الاطلاع على بياناتك أو تصحيحها أو حذفها."
    ),
    "it": (
        "Il programma THAMM Plus, coordinato dall'OIM, conserva i suoi dati personali "
        "(identità, contatti, risultati della formazione, documenti) per formarla e aiutarla a "
        "trovare lavoro in Italia. Il suo centro di formazione e l'OIM possono vederli. Le "
        "aziende vedono il suo profilo solo se lei lo accetta qui sotto: prima senza il suo nome "
        "(un codice, le competenze, i risultati, il livello di italiano e la disponibilità), e "
        "la sua identità solo dopo il suo consenso per quell'azienda. Può ritirare il consenso "
        "in qualsiasi momento da questa pagina: le aziende smettono subito di vederla. Può "
        "chiedere all'OIM di accedere ai suoi dati, correggerli o cancellarli."
    ),
}


def create_notice(apps, schema_editor):
    PrivacyNotice = apps.get_model("candidates", "PrivacyNotice")
    PrivacyNotice.objects.update_or_create(
        version=1,
        defaults={
            "published_on": datetime.date(2026, 11, 24),
            **{f"body_{language}": text for language, text in BODY.items()},
        },
    )


class Migration(migrations.Migration):
    dependencies = [("candidates", "0004_consent")]

    operations = [migrations.RunPython(create_notice, migrations.RunPython.noop)]
