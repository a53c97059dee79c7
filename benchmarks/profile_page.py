"""Profile (not a test): where one page's time goes, in-process, on the database benchmarks/pages.py
built (run that first).

Run:  .venv/bin/python benchmarks/profile_page.py ROLE PATH [--requests 200] [--sort tottime]

ROLE is one of benchmarks/pages.py's logins (iom, centre, company, chamber, candidate). The page
is requested through the whole middleware stack with Django's test client, signed in as that role,
and cProfile's table is printed with the mean time and queries per request.
"""

import argparse
import cProfile
import os
import pstats
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["DJANGO_SETTINGS_MODULE"] = "benchmarks.bench_settings"
os.environ.setdefault(
    "DATABASE_URL",
    os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/thamm_bench"),
)
os.environ.setdefault("REDIS_URL", os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/15"))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("role")
    parser.add_argument("path")
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--sort", default="tottime", help="cumulative, tottime, ncalls")
    parser.add_argument("--lines", type=int, default=40)
    args = parser.parse_args()

    import django

    django.setup()
    from django.test import Client

    from accounts.models import User
    from benchmarks.pages import LOGINS

    client = Client(HTTP_HOST="127.0.0.1", HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(User.objects.get(email=LOGINS[args.role][0]))
    for _ in range(20):  # warm caches, templates, the compiled user query
        response = client.get(args.path)
    if response.status_code != 200:
        sys.exit(f"{args.path}: HTTP {response.status_code}")
    queries = response.headers.get("X-Bench-Queries")
    start = time.perf_counter()
    for _ in range(args.requests):
        client.get(args.path)
    plain = (time.perf_counter() - start) / args.requests
    profile = cProfile.Profile()
    profile.enable()
    for _ in range(args.requests):
        client.get(args.path)
    profile.disable()
    print(f"{args.role} {args.path}: {plain * 1000:.2f} ms a request, {queries} queries")
    pstats.Stats(profile).sort_stats(args.sort).print_stats(args.lines)


if __name__ == "__main__":
    main()
