"""Benchmark (not a test): the cost of the portal's pages against a bare Django view.

Run:  .venv/bin/python benchmarks/pages.py [--sizes 20000,200000] [--requests 120]

It (re)creates its own PostgreSQL database `thamm_bench` (BENCH_DATABASE_URL, default
postgres://postgres@127.0.0.1:5432/thamm_bench; never another database), migrates, seeds the demo
logins, adds candidates with results up to each size and 2,000 vacancies, serves the portal with
gunicorn (2 sync workers, DEBUG off, benchmarks/bench_settings.py), signs in through the real
login form as each role (TOTP for the roles that need it) and prints, for each page: its queries
(before the view / in all), requests per second, p99, and its ratio to the bare view, measured
alternately with it in the same run. Redis is used as the cache when BENCH_REDIS_URL (default
redis://127.0.0.1:6379/15) answers.
Targets (issue 9): every page >= 10 % of the bare view and <= 10 queries at 20,000 candidates; no
page more than 1.5x slower at 200,000; at most 1 query before the view for a signed-in request.
"""

import argparse
import datetime
import http.client
import os
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DB_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/thamm_bench")
DB_NAME = urllib.parse.urlparse(DB_URL).path.lstrip("/")
if DB_NAME in ("thamm", "postgres", "template1") or DB_NAME.startswith("test_"):
    sys.exit(f"refusing to use the database {DB_NAME!r}: give the benchmark its own")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/15")


def redis_answers(url: str) -> bool:
    try:
        import redis

        return bool(redis.Redis.from_url(url, socket_timeout=1).ping())
    except Exception:
        return False


os.environ["DJANGO_SETTINGS_MODULE"] = "benchmarks.bench_settings"
os.environ["DATABASE_URL"] = DB_URL
if redis_answers(REDIS_URL):
    os.environ["REDIS_URL"] = REDIS_URL
else:
    os.environ.pop("REDIS_URL", None)
    REDIS_URL = ""


def recreate_database():
    import psycopg

    parts = urllib.parse.urlparse(DB_URL)
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s",
            [DB_NAME],
        )
        conn.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}"')
        conn.execute(f'CREATE DATABASE "{DB_NAME}"')


# --- data ------------------------------------------------------------------------------------

STAGE_WEIGHTS = {
    "registered": 20,
    "in_training": 35,
    "certified": 15,
    "available": 15,
    "selected": 3,
    "predeparture": 2,
    "arrived": 1,
    "employed": 2,
    "withdrawn": 5,
    "not_certified": 2,
}
NEEDLE = 200  # candidate B-00000200 (after the demo's ~120) has a name nobody else has
SYLLABLES = ["ba", "ri", "ka", "mo", "ta", "zi", "lu", "ne", "sa", "ho", "da", "fi"]


def build_candidates(upto: int, rng: random.Random) -> None:
    """Add candidates (two results each) until there are `upto` in all."""
    from django.db import transaction
    from django.utils import timezone

    from accounts.models import Organisation
    from candidates.models import Candidate
    from demo.people import FIRST_NAMES, LAST_NAMES
    from training.models import Course, Result

    have = Candidate.objects.count()
    if have >= upto:
        return
    centres = list(Organisation.objects.filter(kind="training_centre").order_by("name"))
    courses = list(Course.objects.exclude(kind="employer").order_by("code")[:2])
    stages = [s for s in STAGE_WEIGHTS if s in Candidate.Status.values]
    weights = [STAGE_WEIGHTS[s] for s in stages]
    start = time.perf_counter()
    batch = 5000
    now = timezone.now()
    for first in range(have, upto, batch):
        rows = []
        for i in range(first, min(first + batch, upto)):
            fn, fn_ar, sex = rng.choice(FIRST_NAMES)
            ln, ln_ar = rng.choice(LAST_NAMES)
            if rng.random() < 0.5:  # many more surnames than the demo's sixteen
                ln = ln + " " + "".join(rng.choice(SYLLABLES) for _ in range(3)).capitalize()
            if i == NEEDLE:  # the one candidate "search rare" finds, at every size
                fn, ln = "Nour", "Zarqaoui"
            rows.append(
                Candidate(
                    training_centre=centres[0] if rng.random() < 0.6 or i == NEEDLE else centres[1],
                    reference=f"B-{i:08d}",
                    first_name=fn,
                    last_name=ln,
                    first_name_ar=fn_ar,
                    last_name_ar=ln_ar,
                    date_of_birth=datetime.date(1990 + i % 12, 1 + i % 12, 1 + i % 28),
                    sex=sex,
                    cin=f"Z{i:07d}",
                    phone="+212612345678",
                    residence_region="MA-06",
                    education="technician",
                    preferred_regions=["IT-25"],
                    status=rng.choices(stages, weights)[0],
                    status_changed_at=now - datetime.timedelta(minutes=i % 50000),
                )
            )
        with transaction.atomic():
            made = Candidate.objects.bulk_create(rows)
            Result.objects.bulk_create(
                [
                    Result(
                        candidate=c,
                        course=course,
                        score=None if course.kind == "language" else Decimal("72.50"),
                        cefr_level="B1" if course.kind == "language" else "",
                        attendance=Decimal("91"),
                        assessed_on=datetime.date(2026, 6, 1),
                        passed=True,
                    )
                    for c in made
                    for course in courses
                ],
                batch_size=5000,
            )
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    print(f"  {upto - have:,} candidates added in {time.perf_counter() - start:.0f} s")


def build_vacancies(total: int) -> None:
    """Copies of the demo's vacancies until there are `total`, spread over the demo companies."""
    from companies.models import Vacancy

    have = Vacancy.objects.count()
    if have >= total:
        return
    models = list(Vacancy.objects.order_by("pk"))
    copies = []
    for i in range(total - have):
        v = models[i % len(models)]
        copies.append(
            Vacancy(
                **{
                    f.attname: getattr(v, f.attname)
                    for f in Vacancy._meta.concrete_fields
                    if not f.primary_key
                },
            )
        )
        copies[-1].title = f"{v.title} {i}"
    Vacancy.objects.bulk_create(copies, batch_size=2000)


def prepare(args) -> None:
    import django

    django.setup()
    from django.core.management import call_command

    print(f"database {DB_NAME}: migrate and seed the demo ...", flush=True)
    call_command("migrate", verbosity=0)
    with open(os.devnull, "w") as quiet:
        call_command("seed_demo", force=True, stdout=quiet)
    build_vacancies(2000)


# --- serving and signing in -------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_gunicorn(port: int, log: Path) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(  # noqa: S603 (our own gunicorn, fixed arguments)
        [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "thamm.wsgi:application",
            "--workers",
            "2",
            "--worker-class",
            "sync",
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
    )
    for _ in range(100):
        try:
            status, _h, _b = request(port, "/bench/bare/")
            if status == 200:
                return proc
        except OSError:
            pass
        time.sleep(0.2)
    proc.terminate()
    sys.exit(f"gunicorn did not start; see {log}")


def request(port, path, cookies: dict | None = None, method="GET", body=None, conn=None):
    own = conn is None
    conn = conn or http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Host": "127.0.0.1", "Accept-Language": "en"}
    if cookies:
        headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
    if body is not None:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
        headers["Referer"] = f"http://127.0.0.1:{port}{path}"
        body = urllib.parse.urlencode(body)
    conn.request(method, path, body=body, headers=headers)
    response = conn.getresponse()
    data = response.read()
    if own:
        conn.close()
    return response.status, response, data


def take_cookies(response, cookies: dict) -> None:
    """Keep what the server sets, and forget what it deletes (as a browser does)."""
    for header, value in response.getheaders():
        if header.lower() == "set-cookie":
            name, _, rest = value.partition("=")
            if "max-age=0" in rest.lower():
                cookies.pop(name, None)
            else:
                cookies[name] = rest.split(";", 1)[0]


CSRF_INPUT = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')


def post_form(port, path, cookies, fields) -> tuple[int, str]:
    status, response, data = request(port, path, cookies)
    take_cookies(response, cookies)
    token = CSRF_INPUT.search(data)
    if status != 200 or not token:
        sys.exit(f"no form at {path} ({status})")
    status, response, _data = request(
        port, path, cookies, "POST", {"csrfmiddlewaretoken": token.group(1).decode(), **fields}
    )
    take_cookies(response, cookies)
    return status, response.getheader("Location", "")


def totp_now(secret: str) -> str:
    from allauth.mfa.totp.internal.auth import hotp_value, yield_hotp_counters_from_time

    counters = list(yield_hotp_counters_from_time())
    return f"{hotp_value(secret, counters[len(counters) // 2]):06d}"


def sign_in(port, email: str, secret: str) -> dict:
    from demo.seed import DEMO_PASSWORD

    cookies: dict = {}
    status, location = post_form(
        port, "/accounts/login/", cookies, {"login": email, "password": DEMO_PASSWORD}
    )
    if status == 302 and "2fa" in location:
        status, location = post_form(port, location, cookies, {"code": totp_now(secret)})
    if status != 302 or "sessionid" not in cookies:
        sys.exit(f"could not sign in as {email} ({status} {location})")
    # The page after signing in shows "Successfully signed in" once, as a person sees it; the
    # measured requests then carry no messages cookie.
    _status, response, _data = request(port, "/", cookies)
    take_cookies(response, cookies)
    return cookies


# --- measuring --------------------------------------------------------------------------------


def burst(port, path, cookies, count: int, concurrency: int = 2) -> tuple[float, list[float]]:
    """`count` GETs of `path` from `concurrency` keep-alive clients: (requests/s, latencies)."""
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    per_client = [
        count // concurrency + (1 if i < count % concurrency else 0) for i in range(concurrency)
    ]

    def client(n):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        mine = []
        for _ in range(n):
            t = time.perf_counter()
            status, _r, _d = request(port, path, cookies, conn=conn)
            mine.append(time.perf_counter() - t)
            if status != 200:
                errors.append(f"{path}: {status}")
        conn.close()
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=client, args=(n,)) for n in per_client]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - start
    if errors:
        print(f"  ! {errors[0]} ({len(errors)} errors)")
    return count / elapsed, latencies


def measure(port, path, cookies, requests_per_page: int, rounds: int = 4) -> dict:
    status, response, _data = request(port, path, cookies)
    if status != 200:
        return {"status": status}
    queries = int(response.getheader("X-Bench-Queries", "-1"))
    before = int(response.getheader("X-Bench-Queries-Before-View", "-1"))
    burst(port, path, cookies, 4)  # warm both workers
    page_time = bare_time = 0.0
    page_n = bare_n = 0
    latencies: list[float] = []
    for _ in range(rounds):
        n = max(2, requests_per_page // rounds)
        rps, lat = burst(port, "/bench/bare/", None, 10 * n)
        bare_time += 10 * n / rps
        bare_n += 10 * n
        rps, lat = burst(port, path, cookies, n)
        page_time += n / rps
        page_n += n
        latencies.extend(lat)
    page_rps, bare_rps = page_n / page_time, bare_n / bare_time
    latencies.sort()
    return {
        "status": 200,
        "queries": queries,
        "before": before,
        "rps": page_rps,
        "bare": bare_rps,
        "ratio": page_rps / bare_rps,
        "p99": latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1000,
        "median": statistics.median(latencies) * 1000,
    }


def page_plan() -> list[tuple[str, str, str]]:
    """(role, label, path) for every page measured; ids come from the benchmark's data."""
    from accounts.models import Organisation
    from candidates.models import Candidate
    from companies.models import Company, Vacancy
    from predeparture.models import Case

    casablanca = Organisation.objects.filter(kind="training_centre").order_by("name").first()
    own = Candidate.objects.filter(training_centre=casablanca, reference__startswith="B-")
    detail = own.filter(results__isnull=False).order_by("pk").first()
    rare = Candidate.objects.get(reference=f"B-{NEEDLE:08d}")
    company = Company.objects.get(organisation__name="Meccanica Orobica S.r.l.")
    vacancy = Vacancy.objects.filter(company=company).order_by("pk").first()
    any_company = Company.objects.order_by("pk").first()
    case = Case.objects.filter(company=company).order_by("pk").first()  # the demo's
    deep = 20
    plan = [
        ("anonymous", "home", "/"),
        ("anonymous", "healthz", "/healthz"),
        ("reference", "minimal page (25 rows)", "/bench/minimal/"),
    ]
    for role in ("iom", "centre"):
        plan += [
            (role, "home", "/"),
            (role, "healthz", "/healthz"),
            (role, "candidate list", "/candidates/"),
            (role, f"candidate list, page {deep}", f"/candidates/?page={deep}"),
            (role, "candidate list, search name", "/candidates/?q=Benali"),
            (role, "candidate list, search rare", f"/candidates/?q={rare.last_name}"),
            (role, "candidate list, search CIN", f"/candidates/?q={rare.cin}"),
            (role, "candidate list, stage", "/candidates/?status=certified"),
            (role, f"candidate list, stage p{deep}", f"/candidates/?status=certified&page={deep}"),
            (role, "candidate page", detail.get_absolute_url()),
        ]
    plan += [
        ("iom", "company list", "/companies/"),
        ("iom", "company page", f"/companies/{any_company.pk}/"),
        ("company", "home", "/"),
        ("company", "company page", f"/companies/{company.pk}/"),
        ("company", "vacancy list", f"/companies/{company.pk}/vacancies/"),
        (
            "company",
            f"vacancy list, page {deep // 2}",
            f"/companies/{company.pk}/vacancies/?page={deep // 2}",
        ),
        ("company", "vacancy page", f"/companies/vacancies/{vacancy.pk}/"),
        ("company", "case list", "/cases/"),
        *([("company", "case page", case.get_absolute_url())] if case else []),
        ("iom", "case list", "/cases/"),
        ("chamber", "home", "/"),
        ("chamber", "company list", "/companies/"),
        ("chamber", "notifications", "/notifications/"),
        ("candidate", "home", "/"),
    ]
    return plan


LOGINS = {
    "iom": ("iom@thamm.example", "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"),
    "chamber": ("advisor@bergamo.thamm.example", "KRUGKIDROVUWG2ZAMJZG653OEBTG66BA"),
    "centre": ("staff@casablanca.thamm.example", ""),
    "company": ("hr@orobica.thamm.example", ""),
    "candidate": ("candidate@thamm.example", ""),
}


def print_table(size: int, rows: list) -> None:
    print(f"\n=== {size:,} candidates ===")
    print(
        f"{'role':<10} {'page':<32} {'q before':>8} {'q all':>5} {'req/s':>7} {'p99 ms':>7}"
        f" {'bare/s':>7} {'ratio':>6}"
    )
    for role, label, r in rows:
        if r.get("status") != 200:
            print(f"{role:<10} {label:<32} HTTP {r.get('status')}")
            continue
        before = "-" if r["before"] < 0 else str(r["before"])
        print(
            f"{role:<10} {label:<32} {before:>8} {r['queries']:>5} {r['rps']:>7.0f}"
            f" {r['p99']:>7.1f} {r['bare']:>7.0f} {r['ratio'] * 100:>5.1f}%"
        )


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="20000,200000", help="candidate counts, ascending")
    parser.add_argument("--requests", type=int, default=120, help="requests per page")
    parser.add_argument("--only", default="", help="measure only pages whose label has this")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    recreate_database()
    prepare(args)
    rng = random.Random(9)
    log = Path(tempfile.gettempdir()) / "thamm-bench-gunicorn.log"
    results: dict[int, list] = {}
    print(f"cache: {'Redis ' + REDIS_URL if REDIS_URL else 'per process (no Redis)'}")
    for size in sizes:
        print(f"building {size:,} candidates ...", flush=True)
        build_candidates(size, rng)
        from django.db import connection

        connection.close()
        port = free_port()
        server = start_gunicorn(port, log)
        try:
            sessions = {"anonymous": None, "reference": None}
            for role, (email, secret) in LOGINS.items():
                sessions[role] = sign_in(port, email, secret)
            rows = []
            for role, label, path in page_plan():
                if args.only and args.only not in label:
                    continue
                result = measure(port, path, sessions[role], args.requests)
                rows.append((role, label, result))
                print(f"  {role:<10} {label:<32} {result.get('ratio', 0) * 100:5.1f}%", flush=True)
            results[size] = rows
            print_table(size, rows)
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)
    print("\n\n##### summary #####")
    for size, rows in results.items():
        print_table(size, rows)
    if len(results) > 1:
        small, large = sizes[0], sizes[-1]
        # Against the bare view of the same run: the machine's own load cancels out.
        print(
            f"\nslow-down at {large:,} against {small:,} (ratio to the bare view; target <= 1.5x):"
        )
        by_key = {(r, label): res for r, label, res in results[small]}
        for role, label, res in results[large]:
            base = by_key.get((role, label))
            if base and base.get("status") == 200 and res.get("status") == 200:
                print(f"  {role:<10} {label:<32} {base['ratio'] / res['ratio']:5.2f}x")


if __name__ == "__main__":
    main()
