"""Demo candidates for `manage.py seed_demo`: about 60 per demo training centre (idempotent)."""

import datetime
import random

from django.utils import timezone

from accounts.models import Organisation, User
from thamm.stages import stage_record

from .models import Candidate, Occupation

FIRST_NAMES = [
    ("Youssef", "يوسف", "M"),
    ("Mohamed", "محمد", "M"),
    ("Amine", "أمين", "M"),
    ("Hamza", "حمزة", "M"),
    ("Omar", "عمر", "M"),
    ("Mehdi", "مهدي", "M"),
    ("Ayoub", "أيوب", "M"),
    ("Khalid", "خالد", "M"),
    ("Rachid", "رشيد", "M"),
    ("Anas", "أنس", "M"),
    ("Zakaria", "زكرياء", "M"),
    ("Fatima", "فاطمة", "F"),
    ("Salma", "سلمى", "F"),
    ("Imane", "إيمان", "F"),
    ("Khadija", "خديجة", "F"),
    ("Sara", "سارة", "F"),
    ("Hajar", "هاجر", "F"),
    ("Nadia", "نادية", "F"),
]
LAST_NAMES = [
    ("El Amrani", "العمراني"),
    ("Benali", "بنعلي"),
    ("Alaoui", "العلوي"),
    ("Bennani", "بناني"),
    ("Tazi", "التازي"),
    ("El Idrissi", "الإدريسي"),
    ("Berrada", "برادة"),
    ("Chraibi", "الشرايبي"),
    ("Ouazzani", "الوزاني"),
    ("Lahlou", "لحلو"),
    ("Fassi", "الفاسي"),
    ("Zerouali", "الزروالي"),
    ("Kettani", "الكتاني"),
    ("Naciri", "الناصري"),
    ("Haddad", "الحداد"),
    ("Sebti", "السبتي"),
]
# Stage mix of a centre's demo candidates (the training issue's results make some certified).
STAGES = (
    [Candidate.Status.IN_TRAINING] * 40
    + [Candidate.Status.REGISTERED] * 12
    + [Candidate.Status.WITHDRAWN] * 5
    + [Candidate.Status.NOT_CERTIFIED] * 3
)
CENTRES = {
    # centre city → (CIN letters, region of residence)
    "Casablanca": ("BE", "MA-06"),
    "Tanger": ("K", "MA-01"),
}
DEMO_CANDIDATE_EMAIL = "candidate@thamm.example"
# The person behind the demo candidate login (accounts/demo.py names the account "Amine Tazi"):
# Casablanca's first candidate is them, so the greeting and the record name the same person.
DEMO_CANDIDATE = {
    "first_name": "Amine",
    "last_name": "Tazi",
    "first_name_ar": "أمين",
    "last_name_ar": "التازي",
    "sex": Candidate.Sex.MALE,
}


def seed() -> int:
    """Create the demo candidates that are missing; returns how many demo candidates exist."""
    occupations = list(Occupation.objects.all())
    total = 0
    for city, (letters, region) in CENTRES.items():
        centre = Organisation.objects.get(kind=Organisation.Kind.TRAINING_CENTRE, city=city)
        rng = random.Random(city)  # the same people every time
        for index, status in enumerate(STAGES):
            first, first_ar, sex = rng.choice(FIRST_NAMES)
            last, last_ar = rng.choice(LAST_NAMES)
            with_arabic = index % 4 == 0
            cin = f"{letters}{100000 + index}"
            candidate, created = Candidate.objects.get_or_create(
                cin=cin,
                defaults={
                    "training_centre": centre,
                    "first_name": first,
                    "last_name": last,
                    "first_name_ar": first_ar if with_arabic else "",
                    "last_name_ar": last_ar if with_arabic else "",
                    "date_of_birth": datetime.date(
                        1988 + rng.randrange(14), rng.randrange(1, 13), 10
                    ),
                    "sex": sex,
                    "phone": f"+2126{rng.randrange(10_000_000, 99_999_999)}",
                    "residence_region": region,
                    "education": rng.choice(Candidate.Education.values[2:]),
                    "years_experience": rng.randrange(0, 12),
                    "preferred_regions": rng.sample(
                        ["IT-25", "IT-45", "IT-34"], k=rng.randrange(1, 4)
                    ),
                    "status": status,
                    "status_changed_at": timezone.now(),
                },
            )
            if created:
                candidate.previous_occupations.set(rng.sample(occupations, k=rng.randrange(0, 3)))
                stage_record(
                    obj=candidate, from_stage="", to_stage=status, by=None, note="demo data"
                )
            total += 1
    # The demo candidate login is Casablanca's first candidate, under the login's name (also in a
    # database seeded before the two were the same person).
    login = User.objects.get(email=DEMO_CANDIDATE_EMAIL)
    first = Candidate.objects.get(cin=f"{CENTRES['Casablanca'][0]}100000")
    if first.user_id != login.pk:
        Candidate.objects.filter(user=login).update(user=None)
        first.user = login
        first.save(update_fields=["user"])
    changed = [name for name, value in DEMO_CANDIDATE.items() if getattr(first, name) != value]
    if changed:
        for name in changed:
            setattr(first, name, DEMO_CANDIDATE[name])
        first.save(update_fields=changed)
    return total
