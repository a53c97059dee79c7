"""Demo companies for `manage.py seed_demo` (idempotent): twelve mechatronics firms in Lombardia,
Emilia-Romagna and Veneto, their production units and about 25 vacancies.

Everything after a company's profile goes through the portal's services (units, verification,
the employer-pays signature, vacancies and their states), so the demo obeys the portal's rules.
Running the seed again only adds what is missing; it never moves anything backwards.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from accounts.models import Membership, Organisation, OrganisationUserObjectPermission, User
from accounts.selectors import ASSIST_COMPANY
from accounts.services import advisor_assign
from candidates.models import Occupation
from thamm.stages import stage_history, stage_record
from training.models import Course

from .models import Attestation, Company, ProductionUnit, RegionalBody, Vacancy, make_partita_iva
from .services import (
    attestation_sign,
    company_set_status,
    current_statement,
    unit_add,
    vacancy_create,
    vacancy_move,
)

IOM_EMAIL = "iom@thamm.example"
# The demo's chamber advisors (accounts/demo.py), by the province of their chamber: each assists
# the demo companies with a unit there, which name that chamber.
ADVISORS = {
    "IT-BG": "advisor@bergamo.thamm.example",
    "IT-MO": "advisor@modena.thamm.example",
    "IT-VI": "advisor@vicenza.thamm.example",
}
UNIONCAMERE = "Unioncamere Lombardia"
VENETO_LAVORO = "Veneto Lavoro"
ER_AGENCY = "Agenzia regionale per il lavoro dell'Emilia-Romagna"

PENDING, VERIFIED, SUSPENDED = (
    Company.Status.PENDING,
    Company.Status.VERIFIED,
    Company.Status.SUSPENDED,
)
MICRO, SMALL, MEDIUM, LARGE = (
    Company.Size.MICRO,
    Company.Size.SMALL,
    Company.Size.MEDIUM,
    Company.Size.LARGE,
)


@dataclass(frozen=True)
class DemoCompany:
    name: str
    serial: int  # with `office`, makes its Partita IVA (unique per company)
    office: str  # the tax office of its seat, digits 8-10 of the Partita IVA (e.g. 016 Bergamo)
    ateco: str
    size: str
    status: str  # where the seed brings it: pending, verified or suspended
    units: tuple[tuple[str, str, str], ...]  # (address, comune, province); the first is the seat
    contact: tuple[str, str, str]  # (person, e-mail, telephone)
    pec: str
    interest: tuple[str, int, str] | None = None  # (regional body, days ago, reference)
    signs_statement: bool = False  # its admin (a demo login) signs the employer-pays statement
    reason: str = ""  # why it is suspended

    @property
    def advisor_province(self) -> str | None:
        """The province of the demo chamber whose area it is in, if any (its first such unit)."""
        return next((p for _a, _c, p in self.units if p in ADVISORS), None)


COMPANIES = [
    # The three companies with demo logins (accounts/demo.py).
    DemoCompany(
        "Meccanica Orobica S.r.l.",
        3012001,
        "016",
        "28.41",
        MEDIUM,
        VERIFIED,
        (("Via Zanica 42", "Bergamo", "IT-BG"), ("Via Casirate 28", "Treviglio", "IT-BG")),
        ("Laura Bonetti", "hr@orobica.thamm.example", "+39 035 421 7700"),
        "meccanicaorobica@pec.example.it",
        (UNIONCAMERE, 150, "UCL-THAMM-0142"),
        signs_statement=True,
    ),
    DemoCompany(
        "Automazioni Emiliane S.p.A.",
        3012002,
        "036",
        "28.99",
        LARGE,
        VERIFIED,
        (("Via Emilia Est 1200", "Modena", "IT-MO"),),
        ("Paolo Ferri", "hr@emiliane.thamm.example", "+39 059 284 1100"),
        "automazioniemiliane@pec.example.it",
        (ER_AGENCY, 120, "ARL-ER-2031"),
        signs_statement=True,
    ),
    DemoCompany(
        # Left pending with drafts: its home page shows why it cannot publish yet.
        "Veneta Robotica S.r.l.",
        3012003,
        "024",
        "28.99",
        SMALL,
        PENDING,
        (("Viale del Lavoro 8", "Vicenza", "IT-VI"),),
        ("Chiara Zanon", "hr@venetarobotica.thamm.example", "+39 0444 301 250"),
        "venetarobotica@pec.example.it",
        (VENETO_LAVORO, 20, "VL-THAMM-0087"),
    ),
    # Companies without logins: IOM and the advisors act for them.
    DemoCompany(
        "Officine Brembane S.r.l.",
        3012004,
        "016",
        "25.62",
        MEDIUM,
        VERIFIED,
        (
            ("Via Mazzini 12", "Dalmine", "IT-BG"),
            ("Via Brescia 140", "Palazzolo sull'Oglio", "IT-BS"),
        ),
        ("Roberto Locatelli", "personale@officinebrembane.example.it", "+39 035 562 0910"),
        "officinebrembane@pec.example.it",
        (UNIONCAMERE, 200, "UCL-THAMM-0098"),
    ),
    DemoCompany(
        "Seriana Automazione S.r.l.",
        3012005,
        "016",
        "28.99",
        SMALL,
        PENDING,
        (("Via Provinciale 88", "Albino", "IT-BG"),),
        ("Silvia Carrara", "amministrazione@serianaautomazione.example.it", "+39 035 751 432"),
        "serianaautomazione@pec.example.it",
    ),
    DemoCompany(
        "Stampi Valcavallina S.r.l.",
        3012006,
        "016",
        "25.73",
        SMALL,
        SUSPENDED,
        (("Via Nazionale 57", "Trescore Balneario", "IT-BG"),),
        ("Giorgio Belotti", "ufficio@stampivalcavallina.example.it", "+39 035 940 118"),
        "stampivalcavallina@pec.example.it",
        (UNIONCAMERE, 240, "UCL-THAMM-0061"),
        reason=(
            "Violazione del reclutamento equo: un intermediario che agiva per l'azienda ha "
            "chiesto ai candidati un compenso per le pratiche del visto. Sospesa fino alla "
            "conclusione della verifica dell'OIM."
        ),
    ),
    DemoCompany(
        "Brianza Motion S.r.l.",
        3012007,
        "015",
        "27.11",
        MEDIUM,
        VERIFIED,
        (
            ("Via Torri Bianche 9", "Vimercate", "IT-MB"),
            ("Via Stephenson 43", "Milano", "IT-MI"),
        ),
        ("Federica Sala", "selezione@brianzamotion.example.it", "+39 039 608 2200"),
        "brianzamotion@pec.example.it",
        (UNIONCAMERE, 90, "UCL-THAMM-0175"),
    ),
    DemoCompany(
        "Reggiana Oleodinamica S.r.l.",
        3012008,
        "035",
        "28.12",
        SMALL,
        VERIFIED,
        (("Via Filangieri 7", "Reggio Emilia", "IT-RE"),),
        ("Davide Incerti", "personale@reggianaoleodinamica.example.it", "+39 0522 517 340"),
        "reggianaoleodinamica@pec.example.it",
        (ER_AGENCY, 75, "ARL-ER-2088"),
    ),
    DemoCompany(
        "Ducale Macchine Automatiche S.p.A.",
        3012009,
        "034",
        "28.29",
        LARGE,
        VERIFIED,
        (
            ("Strada Burla 40", "Parma", "IT-PR"),
            ("Via del Lavoro 21", "Casalecchio di Reno", "IT-BO"),
        ),
        ("Elena Bertolini", "hr@ducalemacchine.example.it", "+39 0521 994 600"),
        "ducalemacchine@pec.example.it",
        (ER_AGENCY, 160, "ARL-ER-1974"),
    ),
    DemoCompany(
        "Felsinea Robotica S.r.l.",
        3012010,
        "037",
        "28.99",
        MICRO,
        PENDING,
        (("Via Stalingrado 65", "Bologna", "IT-BO"),),
        ("Matteo Gualandi", "info@felsinearobotica.example.it", "+39 051 634 0072"),
        "felsinearobotica@pec.example.it",
        (ER_AGENCY, 10, "ARL-ER-2140"),
    ),
    DemoCompany(
        "Euganea Meccanica di Precisione S.r.l.",
        3012011,
        "028",
        "25.62",
        MEDIUM,
        VERIFIED,
        (
            ("Corso Stati Uniti 14", "Padova", "IT-PD"),
            ("Via Germania 30", "Verona", "IT-VR"),
        ),
        ("Alessandro Zanella", "risorseumane@euganeameccanica.example.it", "+39 049 870 3150"),
        "euganeameccanica@pec.example.it",
        (VENETO_LAVORO, 110, "VL-THAMM-0052"),
    ),
    DemoCompany(
        "Trevigiana Quadri Elettrici S.r.l.",
        3012012,
        "026",
        "27.12",
        SMALL,
        VERIFIED,
        (("Viale della Repubblica 19", "Villorba", "IT-TV"),),
        ("Martina Durante", "personale@trevigianaquadri.example.it", "+39 0422 608 415"),
        "trevigianaquadri@pec.example.it",
    ),
]


@dataclass(frozen=True)
class JobProfile:
    isco: str  # thamm/occupations.py
    modules: tuple[str, ...]  # codes of technical courses (training catalogue)
    it: str
    fr: str
    ar: str


PROFILES = {
    "Manutentore meccatronico": JobProfile(
        "3115",
        ("MEC-MNT", "MEC-ELS", "MEC-PNH", "MEC-HSE"),
        "Manutenzione preventiva e correttiva di linee automatizzate: diagnosi di guasti "
        "meccanici, elettrici e pneumatici, sostituzione di componenti, registrazione degli "
        "interventi. Lavoro su turni, con l'affiancamento iniziale di un tecnico esperto.",
        "Maintenance préventive et corrective de lignes automatisées : diagnostic des pannes "
        "mécaniques, électriques et pneumatiques, remplacement des composants, suivi des "
        "interventions. Travail en équipes, avec l'accompagnement d'un technicien expérimenté "
        "au départ.",
        "صيانة وقائية وتصحيحية لخطوط الإنتاج الآلية: تشخيص الأعطال الميكانيكية والكهربائية "
        "والهوائية، واستبدال المكونات، وتسجيل التدخلات. العمل بنظام الفرق، مع مرافقة تقني ذي "
        "خبرة في البداية.",
    ),
    "Operatore CNC": JobProfile(
        "7223",
        ("MEC-CNC", "MEC-HSE"),
        "Conduzione di centri di lavoro e torni a controllo numerico (Fanuc, Heidenhain): "
        "attrezzaggio, caricamento dei programmi, controllo dimensionale dei pezzi con calibro e "
        "micrometro. È richiesta la lettura del disegno tecnico.",
        "Conduite de centres d'usinage et de tours à commande numérique (Fanuc, Heidenhain) : "
        "réglage, chargement des programmes, contrôle dimensionnel des pièces au pied à "
        "coulisse et au micromètre. La lecture de plans est exigée.",
        "تشغيل مراكز التشغيل والمخارط ذات التحكم الرقمي (Fanuc وHeidenhain): الضبط، وتحميل "
        "البرامج، والمراقبة البعدية للقطع بالقدم القنوية والميكرومتر. قراءة الرسم التقني مطلوبة.",
    ),
    "Tecnico PLC": JobProfile(
        "3113",
        ("MEC-PLC", "MEC-ELS", "MEC-HSE"),
        "Programmazione e messa in servizio di PLC Siemens S7 (TIA Portal) e pannelli operatore "
        "su macchine automatiche; ricerca guasti sui quadri elettrici e supporto alla "
        "manutenzione. Possibili brevi trasferte presso clienti in Italia.",
        "Programmation et mise en service d'automates Siemens S7 (TIA Portal) et de pupitres "
        "opérateur sur des machines automatiques ; dépannage des armoires électriques et appui "
        "à la maintenance. Courts déplacements possibles chez des clients en Italie.",
        "برمجة وتشغيل وحدات التحكم المنطقي Siemens S7 (TIA Portal) ولوحات المشغل على الآلات "
        "الأوتوماتيكية؛ وتحري أعطال اللوحات الكهربائية ودعم فريق الصيانة. تنقلات قصيرة ممكنة "
        "لدى الزبناء داخل إيطاليا.",
    ),
    "Montatore meccanico": JobProfile(
        "8211",
        ("MEC-PNH", "MEC-HSE"),
        "Montaggio di gruppi meccanici e pneumatici di macchine speciali secondo disegno e "
        "distinta base, con collaudo funzionale a fine linea.",
        "Montage de sous-ensembles mécaniques et pneumatiques de machines spéciales selon plan "
        "et nomenclature, avec essai fonctionnel en fin de ligne.",
        "تركيب مجموعات ميكانيكية وهوائية للآلات الخاصة وفق الرسم وقائمة المكونات، مع اختبار "
        "وظيفي في نهاية الخط.",
    ),
    "Cablatore di quadri elettrici": JobProfile(
        "7412",
        ("MEC-ELS", "MEC-HSE"),
        "Cablaggio di quadri elettrici di automazione da schema: preparazione dei conduttori, "
        "montaggio delle apparecchiature, verifiche di continuità e di isolamento.",
        "Câblage d'armoires électriques d'automatisme d'après schéma : préparation des "
        "conducteurs, montage des appareillages, contrôles de continuité et d'isolement.",
        "تسليك لوحات كهربائية للأتمتة وفق المخطط: تحضير الموصلات، وتركيب الأجهزة، وفحوص "
        "الاستمرارية والعزل.",
    ),
    "Tecnico di robotica industriale": JobProfile(
        "3115",
        ("MEC-ROB", "MEC-PLC", "MEC-HSE"),
        "Programmazione e manutenzione di isole robotizzate (ABB, Fanuc) per asservimento "
        "macchine e saldatura: teach pendant, modifiche di traiettoria, gestione delle "
        "sicurezze e delle barriere.",
        "Programmation et maintenance d'îlots robotisés (ABB, Fanuc) pour le chargement de "
        "machines et le soudage : pupitre d'apprentissage, modification des trajectoires, "
        "gestion des sécurités et des barrières.",
        "برمجة وصيانة الخلايا الروبوتية (ABB وFanuc) لتغذية الآلات واللحام: وحدة التعليم "
        "اليدوية، وتعديل المسارات، وإدارة أنظمة السلامة والحواجز.",
    ),
    "Saldatore MIG/MAG": JobProfile(
        "7212",
        ("MEC-HSE",),
        "Saldatura MIG/MAG di carpenterie in acciaio per telai di macchine, in piano e in "
        "verticale; preparazione dei lembi e controllo visivo dei cordoni.",
        "Soudage MIG/MAG de charpentes en acier pour bâtis de machines, à plat et en "
        "vertical ; préparation des bords et contrôle visuel des cordons.",
        "لحام MIG/MAG لهياكل فولاذية لإطارات الآلات، في الوضعين الأفقي والعمودي؛ تحضير الحواف "
        "والفحص البصري لخطوط اللحام.",
    ),
    "Manutentore oleodinamico": JobProfile(
        "7233",
        ("MEC-PNH", "MEC-MNT", "MEC-HSE"),
        "Montaggio e riparazione di centraline e cilindri oleodinamici, sostituzione di tubi e "
        "guarnizioni, prove in pressione al banco.",
        "Montage et réparation de centrales et de vérins hydrauliques, remplacement de "
        "flexibles et de joints, essais sous pression au banc.",
        "تركيب وإصلاح الوحدات والأسطوانات الهيدروليكية، واستبدال الأنابيب المرنة والحشوات، "
        "واختبارات الضغط على منصة الاختبار.",
    ),
    "Tecnico di collaudo elettronico": JobProfile(
        "7421",
        ("MEC-ELS", "MEC-HSE"),
        "Collaudo di schede e azionamenti elettronici per motori: prove funzionali al banco, "
        "ricerca guasti con oscilloscopio e multimetro, compilazione dei rapporti di prova.",
        "Essais de cartes et de variateurs électroniques pour moteurs : tests fonctionnels au "
        "banc, recherche de pannes à l'oscilloscope et au multimètre, rédaction des rapports "
        "d'essai.",
        "اختبار البطاقات الإلكترونية ومغيرات السرعة للمحركات: اختبارات وظيفية على المنصة، "
        "وتحري الأعطال بواسطة راسم الذبذبات والملتيمتر، وتحرير تقارير الاختبار.",
    ),
    "Elettricista industriale": JobProfile(
        "7412",
        ("MEC-ELS", "MEC-PLC", "MEC-HSE"),
        "Installazione e manutenzione degli impianti elettrici a bordo macchina e dei motori, "
        "sostituzione di sensori e inverter, interventi sul PLC secondo le istruzioni.",
        "Installation et maintenance des équipements électriques des machines et des moteurs, "
        "remplacement de capteurs et de variateurs, interventions sur l'automate selon les "
        "consignes.",
        "تركيب وصيانة التجهيزات الكهربائية للآلات والمحركات، واستبدال الحساسات ومغيرات التردد، "
        "والتدخل على وحدة التحكم المنطقي وفق التعليمات.",
    ),
    "Capoturno di produzione": JobProfile(
        "3122",
        ("MEC-MNT", "MEC-HSE"),
        "Coordinamento di una squadra di 6–8 operatori su linee di assemblaggio: pianificazione "
        "del turno, controllo qualità, segnalazione dei fermi alla manutenzione. È richiesta "
        "esperienza in reparto.",
        "Coordination d'une équipe de 6 à 8 opérateurs sur des lignes d'assemblage : "
        "planification du poste, contrôle qualité, signalement des arrêts à la maintenance. Une "
        "expérience en atelier est exigée.",
        "تنسيق فريق من 6 إلى 8 عمال على خطوط التجميع: تخطيط المناوبة، ومراقبة الجودة، والإبلاغ "
        "عن التوقفات لفريق الصيانة. تشترط خبرة في الورشة.",
    ),
}

PROVIDED, HELP, NO_HOUSING = Vacancy.Housing.PROVIDED, Vacancy.Housing.HELP, Vacancy.Housing.NONE
DRAFT, PUBLISHED, FILLED, CLOSED = (
    Vacancy.Status.DRAFT,
    Vacancy.Status.PUBLISHED,
    Vacancy.Status.FILLED,
    Vacancy.Status.CLOSED,
)
CCNL = "Metalmeccanica industria"


@dataclass(frozen=True)
class DemoVacancy:
    company: str
    comune: str  # which of the company's units
    title: str  # a key of PROFILES
    status: str
    positions: int
    ccnl_level: str
    pay: int  # gross monthly, euros
    months: int | None  # None: permanent
    italian: str  # minimum CEFR level
    housing: str
    starts_in: int  # days from the day of seeding
    languages: str = "it fr"  # descriptions besides Italian: "it", "it fr" or "it fr ar"


OROBICA, EMILIANE, VENETA = (c.name for c in COMPANIES[:3])
BREMBANE, SERIANA, VALCAVALLINA, BRIANZA, REGGIANA, DUCALE, FELSINEA, EUGANEA, TREVIGIANA = (
    c.name for c in COMPANIES[3:]
)

# fmt: off
VACANCIES = [
    # A rich company to demo: published, filled and draft vacancies at two units.
    DemoVacancy(OROBICA, "Bergamo", "Manutentore meccatronico", PUBLISHED, 4, "C2", 2100, None,
                "A2", PROVIDED, 75, "it fr ar"),
    DemoVacancy(OROBICA, "Bergamo", "Operatore CNC", PUBLISHED, 3, "C1", 1950, 24, "A2", HELP,
                90, "it fr ar"),
    DemoVacancy(OROBICA, "Treviglio", "Tecnico PLC", PUBLISHED, 2, "C3", 2250, None, "B1",
                PROVIDED, 120),
    DemoVacancy(OROBICA, "Bergamo", "Montatore meccanico", FILLED, 2, "D2", 1850, 12, "A2",
                PROVIDED, 45),
    DemoVacancy(OROBICA, "Treviglio", "Capoturno di produzione", DRAFT, 1, "B1", 2400, None,
                "B1", HELP, 150, "it"),
    DemoVacancy(EMILIANE, "Modena", "Tecnico di robotica industriale", PUBLISHED, 3, "C3", 2300,
                None, "B1", HELP, 100, "it fr ar"),
    DemoVacancy(EMILIANE, "Modena", "Cablatore di quadri elettrici", PUBLISHED, 5, "C1", 1900,
                24, "A2", PROVIDED, 60),
    DemoVacancy(EMILIANE, "Modena", "Saldatore MIG/MAG", CLOSED, 2, "C1", 1950, 12, "A2",
                NO_HOUSING, 40, "it"),
    # Pending: drafts only, publishing waits for verification.
    DemoVacancy(VENETA, "Vicenza", "Tecnico di robotica industriale", DRAFT, 2, "C3", 2250, None,
                "B1", HELP, 130, "it fr ar"),
    DemoVacancy(VENETA, "Vicenza", "Montatore meccanico", DRAFT, 3, "D2", 1800, 12, "A2",
                PROVIDED, 110),
    DemoVacancy(BREMBANE, "Dalmine", "Operatore CNC", PUBLISHED, 6, "C1", 1950, None, "A2",
                PROVIDED, 80, "it fr ar"),
    DemoVacancy(BREMBANE, "Palazzolo sull'Oglio", "Saldatore MIG/MAG", PUBLISHED, 2, "C1", 1900,
                12, "A2", HELP, 95),
    DemoVacancy(SERIANA, "Albino", "Elettricista industriale", DRAFT, 2, "C2", 2050, None, "A2",
                HELP, 140, "it"),
    # Published, then closed just before IOM suspended the company.
    DemoVacancy(VALCAVALLINA, "Trescore Balneario", "Operatore CNC", CLOSED, 3, "C1", 1900, 12,
                "A2", PROVIDED, 70),
    DemoVacancy(BRIANZA, "Vimercate", "Tecnico di collaudo elettronico", PUBLISHED, 2, "C2",
                2150, None, "B1", NO_HOUSING, 85, "it fr ar"),
    DemoVacancy(BRIANZA, "Milano", "Manutentore meccatronico", PUBLISHED, 2, "C2", 2200, None,
                "A2", HELP, 100),
    DemoVacancy(REGGIANA, "Reggio Emilia", "Manutentore oleodinamico", PUBLISHED, 3, "C2", 2050,
                None, "A2", PROVIDED, 65, "it fr ar"),
    DemoVacancy(REGGIANA, "Reggio Emilia", "Montatore meccanico", PUBLISHED, 4, "D2", 1750, 24,
                "A2", PROVIDED, 65),
    DemoVacancy(DUCALE, "Parma", "Tecnico PLC", PUBLISHED, 2, "C3", 2350, None, "B1", HELP, 110,
                "it fr ar"),
    DemoVacancy(DUCALE, "Casalecchio di Reno", "Montatore meccanico", PUBLISHED, 5, "C1", 1900,
                None, "A2", PROVIDED, 90),
    DemoVacancy(FELSINEA, "Bologna", "Tecnico di robotica industriale", DRAFT, 1, "C3", 2200,
                None, "B1", NO_HOUSING, 160, "it"),
    DemoVacancy(EUGANEA, "Padova", "Operatore CNC", PUBLISHED, 4, "C1", 1950, None, "A2",
                PROVIDED, 70, "it fr ar"),
    DemoVacancy(EUGANEA, "Verona", "Manutentore meccatronico", PUBLISHED, 2, "C2", 2100, 24,
                "A2", HELP, 105),
    DemoVacancy(TREVIGIANA, "Villorba", "Cablatore di quadri elettrici", PUBLISHED, 4, "C1",
                1850, None, "A2", PROVIDED, 80, "it fr ar"),
    DemoVacancy(TREVIGIANA, "Villorba", "Tecnico PLC", DRAFT, 1, "C3", 2250, None, "B1", HELP,
                140, "it"),
]
# fmt: on


@dataclass(frozen=True)
class Summary:
    companies: int
    verified: int
    pending: int
    suspended: int
    vacancies: int
    published: int

    def __str__(self) -> str:
        return (
            f"{self.companies} companies ({self.verified} verified, {self.pending} pending, "
            f"{self.suspended} suspended), {self.vacancies} vacancies "
            f"({self.published} published)."
        )


def _company(spec: DemoCompany, *, chamber: Organisation | None, today: datetime.date) -> Company:
    """The company's organisation and profile; a profile field already filled is left alone."""
    organisation, _created = Organisation.objects.get_or_create(
        kind=Organisation.Kind.COMPANY,
        name=spec.name,
        defaults={"city": spec.units[0][1], "country": "IT"},
    )
    company = Company.objects.filter(organisation=organisation).first()
    partita_iva = company.partita_iva if company else make_partita_iva(spec.serial, spec.office)
    profile = {
        "legal_name": spec.name,
        "partita_iva": partita_iva,
        "codice_fiscale": partita_iva,  # a company's codice fiscale is usually its Partita IVA
        "ateco_code": spec.ateco,
        "size": spec.size,
        "pec": spec.pec,
        "contact_name": spec.contact[0],
        "contact_email": spec.contact[1],
        "contact_phone": spec.contact[2],
        "chamber": chamber,
    }
    if spec.interest:
        body, days_ago, reference = spec.interest
        profile |= {
            "interest_body": RegionalBody.objects.get(name=body),
            "interest_date": today - datetime.timedelta(days=days_ago),
            "interest_reference": reference,
        }
    if company is None:
        company = Company(organisation=organisation, **profile)
        company.full_clean()
        company.save()
        stage_record(obj=company, from_stage="", to_stage=company.status, by=_admin(company))
        return company
    blank = {f: v for f, v in profile.items() if v and not getattr(company, f)}
    if blank:
        for field, value in blank.items():
            setattr(company, field, value)
        company.full_clean()
        company.save()
    return company


def _admin(company: Company) -> User | None:
    """The company's administrator, if it has a demo login."""
    return (
        User.objects.filter(
            membership_row__organisation_id=company.organisation_id,
            membership_row__role=Membership.Role.ADMIN,
        )
        .order_by("pk")
        .first()
    )


def _assign(*, advisor: User, company: Company, by: User) -> None:
    assigned = OrganisationUserObjectPermission.objects.filter(
        user=advisor, content_object_id=company.organisation_id, permission__codename=ASSIST_COMPANY
    )
    if not assigned.exists():
        advisor_assign(advisor=advisor, company=company.organisation, by=by)


def _vacancy_data(spec: DemoVacancy, *, unit: ProductionUnit, today: datetime.date) -> dict:
    profile = PROFILES[spec.title]
    return {
        "title": spec.title,
        "occupation": Occupation.objects.get(isco_code=profile.isco),
        "unit": unit,
        "positions": spec.positions,
        "min_italian_level": spec.italian,
        "contract": Vacancy.Contract.FIXED_TERM if spec.months else Vacancy.Contract.PERMANENT,
        "contract_months": spec.months,
        "ccnl": CCNL,
        "ccnl_level": spec.ccnl_level,
        "gross_monthly_pay": Decimal(spec.pay),
        "hours_per_week": 40,
        "start_date": today + datetime.timedelta(days=spec.starts_in),
        "housing": spec.housing,
        "description_it": profile.it,
        "description_fr": profile.fr if "fr" in spec.languages.split() else "",
        "description_ar": profile.ar if "ar" in spec.languages.split() else "",
        "required_modules": list(
            Course.objects.filter(kind=Course.Kind.TECHNICAL, code__in=profile.modules)
        ),
    }


# The moves that bring a new draft to each demo state (the closed ones were online before).
MOVES_TO = {
    DRAFT: [],
    PUBLISHED: ["publish"],
    FILLED: ["publish", "fill"],
    CLOSED: ["publish", "close"],
}


def _vacancy(spec: DemoVacancy, *, company: Company, by: User, today: datetime.date) -> None:
    if Vacancy.objects.filter(company=company, title=spec.title).exists():
        return
    unit = company.units.get(comune=spec.comune)
    vacancy = vacancy_create(
        company=company, data=_vacancy_data(spec, unit=unit, today=today), by=by
    )
    for action in MOVES_TO[spec.status]:
        vacancy = vacancy_move(vacancy=vacancy, action=action, by=by)


def seed() -> Summary:
    """Create the demo companies, units and vacancies that are missing, and bring each company
    forward to its demo verification state; returns what the portal then holds."""
    iom = User.objects.get(email=IOM_EMAIL)
    advisors = {
        province: User.objects.select_related("membership_row__organisation").get(email=email)
        for province, email in ADVISORS.items()
    }
    today = timezone.localdate()
    statement = current_statement()
    for spec in COMPANIES:
        advisor = advisors.get(spec.advisor_province)
        chamber = advisor.membership.organisation if advisor else None
        company = _company(spec, chamber=chamber, today=today)
        if advisor:
            _assign(advisor=advisor, company=company, by=iom)
        admin = _admin(company)
        # Who fills in the forms: the company itself, else its chamber advisor, else IOM.
        actor = admin or advisor or iom
        for address, comune, province in spec.units:
            if not company.units.filter(address=address, comune=comune).exists():
                unit_add(
                    company=company,
                    data={"address": address, "comune": comune, "province": province},
                    by=actor,
                )
        if spec.status != PENDING and company.status == PENDING:
            company = company_set_status(company=company, action="verify", by=iom)
        signed = Attestation.objects.filter(company=company, statement=statement).exists()
        if spec.signs_statement and admin and not signed:
            attestation_sign(company=company, by=admin)
        for vacancy in VACANCIES:
            if vacancy.company == spec.name:
                _vacancy(vacancy, company=company, by=actor, today=today)
        # Suspend once: a company reinstated during a demo stays reinstated.
        ever_suspended = stage_history(obj=company).filter(to_stage=SUSPENDED).exists()
        if spec.status == SUSPENDED and company.status == VERIFIED and not ever_suspended:
            company_set_status(company=company, action="suspend", by=iom, reason=spec.reason)
    return Summary(
        companies=Company.objects.count(),
        verified=Company.objects.filter(status=VERIFIED).count(),
        pending=Company.objects.filter(status=PENDING).count(),
        suspended=Company.objects.filter(status=SUSPENDED).count(),
        vacancies=Vacancy.objects.count(),
        published=Vacancy.objects.filter(status=PUBLISHED).count(),
    )
