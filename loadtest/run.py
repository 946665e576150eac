"""Bounded load test on loopback: committee members save answers and upload evidence while reviewers
decide, with page traffic against gunicorn; afterwards every acknowledged write is counted against
the database. Not part of `make test`.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/gc_8 .venv/bin/python loadtest/run.py --seconds 60

What it exercises (the form pages of the self-assessment and review are not in this branch yet):
- HTTP through gunicorn (sync workers, real sockets on 127.0.0.1): login with CSRF, home page,
  community list and detail, evidence downloads by the committee and by reviewers;
- writes through the services the form pages call (apps.assessments.services), from many threads
  with their own database connections, at the same time: response_save with the optimistic version
  (two members of each committee edit the same criteria), evidence_add, assessment_submit,
  assessment_recommend / assessment_return (city), assessment_approve (province).

Checks afterwards: no HTTP error response, no unexpected exception; every response's stored text is
the text of its last acknowledged save and its version the number of acknowledged saves; as many
evidence rows as acknowledged uploads, each file's SHA-256 intact (verify_evidence); as many history
entries of each kind as acknowledged transitions, every chain intact (verify_history).
"""

import argparse
import collections
import http.cookiejar
import io
import os
import random
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PASSWORD = "load-test-password-2026"  # noqa: S105


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=60, help="length of the loaded phase (max 300)")
    parser.add_argument("--communities", type=int, default=6, help="committees (two members each)")
    parser.add_argument("--readers", type=int, default=4, help="threads browsing over HTTP")
    parser.add_argument("--port", type=int, default=8768)
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers")
    return parser.parse_args()


# --- Setup ----------------------------------------------------------------------------------------


def setup_django(media_root: str):
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "greencommunity.settings.local")
    os.environ["DJANGO_DEBUG"] = "false"
    os.environ["DJANGO_MEDIA_ROOT"] = media_root
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("Set DATABASE_URL to a PostgreSQL database of your own (it gets load-test rows).")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def make_people(n_communities: int):
    """Fresh communities in 上海市徐汇区 (codes 310104003xxx not used by the real registry import are
    not guaranteed: we use a run-specific prefix of the street's code space), two committee members
    each, one city and one province reviewer."""
    from apps.accounts.models import Role, User
    from apps.assessments import services
    from apps.communities.models import Community
    from apps.regions.models import Region

    street = Region.objects.get(pk="310104003000")
    run = int(time.time()) % 1000
    people = {"committees": [], "city": None, "province": None}
    for i in range(n_communities):
        code = f"{street.code[:9]}{(run + i) % 1000:03d}"
        community, _ = Community.objects.update_or_create(
            code=code,
            defaults={
                "name": f"压测{run}-{i}社区居委会",
                "street": street,
                "county_id": street.county_id,
                "city_id": street.city_id,
                "province_id": street.province_id,
            },
        )
        members = []
        for m in range(2):
            user, _ = User.objects.update_or_create(
                username=f"load-{code}-{m}",
                defaults={"role": Role.COMMUNITY, "community": community, "region": None, "is_active": True},
            )
            user.set_password(PASSWORD)
            user.save()
            members.append(user)
        year = 2100 + run  # a year nobody else uses: a fresh assessment per run
        assessment = services.assessment_create(community=community, year=year, user=members[0])
        people["committees"].append({"community": community, "members": members, "assessment": assessment})
    for role, region, key in (
        (Role.CITY, "310104000000", "city"),
        (Role.PROVINCE, "310000000000", "province"),
    ):
        user, _ = User.objects.update_or_create(
            username=f"load-{key}", defaults={"role": role, "region_id": region, "community": None}
        )
        user.set_password(PASSWORD)
        user.save()
        people[key] = user
    return people


def start_gunicorn(port: int, workers: int, media_root: str) -> subprocess.Popen:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "greencommunity.settings.local",
        "DJANGO_DEBUG": "false",
        "DJANGO_MEDIA_ROOT": media_root,
        "DJANGO_LOG_LEVEL": "WARNING",
    }
    process = subprocess.Popen(  # noqa: S603
        [
            str(ROOT / ".venv/bin/gunicorn"),
            "greencommunity.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--timeout",
            "60",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    for _ in range(100):
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return process
        time.sleep(0.2)
    process.kill()
    sys.exit("gunicorn did not start")


# --- Recording ------------------------------------------------------------------------------------


class Tally:
    def __init__(self):
        self.lock = threading.Lock()
        self.counts = collections.Counter()
        self.latency = collections.defaultdict(list)
        self.errors = []
        # response id -> {version: statement} of acknowledged saves
        self.saves = collections.defaultdict(dict)
        self.uploads = collections.Counter()  # assessment id -> acknowledged uploads
        self.transitions = collections.Counter()  # (assessment id, action) -> acknowledged

    def add(self, key, seconds=None, n=1):
        with self.lock:
            self.counts[key] += n
            if seconds is not None:
                self.latency[key].append(seconds)

    def error(self, text):
        with self.lock:
            self.errors.append(text)


# --- HTTP readers -----------------------------------------------------------------------------------


class Browser:
    def __init__(self, base: str):
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), NoRedirect())

    def request(self, path, data=None):
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        req = urllib.request.Request(self.base + path, data=body)  # noqa: S310  (loopback only)
        if body is not None:
            req.add_header("Referer", self.base + path)
        try:
            with self.opener.open(req, timeout=30) as resp:
                return resp.status, resp.read()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read()

    def login(self, username):
        status, body = self.request("/accounts/login/")
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1).decode()
        return self.request(
            "/accounts/login/", {"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token}
        )


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def reader(base, username, paths_for, tally: Tally, stop: threading.Event):
    browser = Browser(base)
    status, _ = browser.login(username)
    tally.add("http login")
    if status != 302:
        tally.error(f"login {username}: {status}")
        return
    while not stop.is_set():
        for path in paths_for():
            started = time.perf_counter()
            status, body = browser.request(path)
            elapsed = time.perf_counter() - started
            kind = "http evidence" if "/evidence/" in path else "http page"
            tally.add(kind, elapsed)
            if status != 200:
                tally.error(f"GET {path} as {username}: {status}")
            if stop.is_set():
                break


# --- Service-level writers -----------------------------------------------------------------------------


def pdf(token: str) -> bytes:
    return f"%PDF-1.4\n% {token}\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n".encode()


def jpeg(seed: int) -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (320, 240), (seed % 255, 90, 160)).save(buf, "JPEG", quality=85)
    return buf.getvalue()


def committee_member(
    committee, member_index, tally: Tally, stop: threading.Event, evidence_ids: list, assessment_ids: list
):
    """Edits the committee's answers (the other member edits the same ones), uploads evidence, and
    submits when the assessment is complete; after a return, revises and resubmits. Once approved,
    the committee goes on with the next year's assessment, so that the load lasts."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import connection

    from apps.assessments import services
    from apps.assessments.models import Assessment, Rating, Response, State
    from apps.core.errors import ConflictError, ServiceError

    user = committee["members"][member_index]
    rng = random.Random(user.pk)  # noqa: S311
    n = 0
    try:
        while not stop.is_set():
            assessment = Assessment.objects.get(pk=committee["assessment"].pk)
            assessment_id = assessment.pk
            if assessment.state == State.APPROVED:
                # Idempotent: both members may get here; one assessment per community and year.
                following = services.assessment_create(
                    community=committee["community"], year=assessment.year + 1, user=user
                )
                with tally.lock:
                    if following.pk not in assessment_ids:
                        assessment_ids.append(following.pk)
                    committee["assessment"] = following
                tally.add("next year's assessment opened")
                continue
            if not assessment.is_editable:
                time.sleep(0.2)
                continue
            response = Response.objects.select_related("criterion", "assessment").get(
                assessment_id=assessment_id, criterion__number=rng.randint(1, 16)
            )
            n += 1
            statement = f"{user.username} 第{n}稿:已完成整治并公示。"
            figure = {5: 100, 12: 45}.get(response.criterion.number)
            started = time.perf_counter()
            try:
                saved = services.response_save(
                    response=response,
                    user=user,
                    rating=Rating.MET,
                    statement=statement,
                    figure=figure,
                    expected_version=response.version,
                )
                tally.add("save", time.perf_counter() - started)
                with tally.lock:
                    tally.saves[saved.pk][saved.version] = statement
            except ConflictError:
                tally.add("save refused: stale version or not editable (told)")
            if rng.random() < 0.35 and not stop.is_set():
                started = time.perf_counter()
                data, name = (
                    (jpeg(n), "photo.jpg") if rng.random() < 0.5 else (pdf(f"{user.pk}-{n}"), "m.pdf")
                )
                try:
                    evidence = services.evidence_add(
                        response=response, user=user, uploaded_file=SimpleUploadedFile(name, data)
                    )
                    tally.add("upload", time.perf_counter() - started)
                    with tally.lock:
                        tally.uploads[assessment_id] += 1
                        evidence_ids.append((assessment_id, evidence.pk))
                except ConflictError:
                    tally.add("upload refused: no longer editable")
            if rng.random() < 0.25:
                started = time.perf_counter()
                try:
                    services.assessment_submit(
                        assessment=Assessment.objects.get(pk=assessment_id),
                        user=user,
                        expected_version=assessment.version,
                    )
                    tally.add("submit", time.perf_counter() - started)
                    with tally.lock:
                        tally.transitions[(assessment_id, "submitted")] += 1
                except ConflictError:
                    tally.add("submit conflict (told)")
                except ServiceError as exc:
                    if exc.code not in ("incomplete", "unchanged"):
                        raise
                    tally.add("submit refused: incomplete/unchanged")
    except Exception as exc:  # noqa: BLE001  (every unexpected failure is reported)
        tally.error(f"{user.username}: {exc.__class__.__name__}: {exc}")
    finally:
        connection.close()


def reviewer(user, level, assessment_ids, tally: Tally, stop: threading.Event):
    """City: recommends most submitted assessments, returns some; province: approves recommended ones."""
    from django.db import connection

    from apps.assessments import services
    from apps.assessments.models import Assessment, State
    from apps.core.errors import ConflictError

    rng = random.Random(level)  # noqa: S311
    waiting = State.SUBMITTED if level == "city" else State.RECOMMENDED
    try:
        while not stop.is_set():
            with tally.lock:
                ids = list(assessment_ids)
            queue = list(Assessment.objects.filter(pk__in=ids, state=waiting))
            if not queue:
                time.sleep(0.3)
                continue
            for assessment in queue:
                started = time.perf_counter()
                try:
                    if level == "city" and rng.random() < 0.3:
                        services.assessment_return(
                            assessment=assessment,
                            user=user,
                            reason="请补充照片。",
                            expected_version=assessment.version,
                        )
                        action = "returned"
                    elif level == "city":
                        services.assessment_recommend(
                            assessment=assessment, user=user, expected_version=assessment.version
                        )
                        action = "recommended"
                    else:
                        services.assessment_approve(
                            assessment=assessment, user=user, expected_version=assessment.version
                        )
                        action = "approved"
                    tally.add(f"decide ({level})", time.perf_counter() - started)
                    with tally.lock:
                        tally.transitions[(assessment.pk, action)] += 1
                except ConflictError:
                    tally.add("decision conflict (told)")
                if stop.is_set():
                    break
    except Exception as exc:  # noqa: BLE001
        tally.error(f"{level} reviewer: {exc.__class__.__name__}: {exc}")
    finally:
        connection.close()


# --- Verification ------------------------------------------------------------------------------------


def verify(assessment_ids, tally: Tally) -> list[str]:
    from django.core.management import CommandError, call_command

    from apps.assessments.models import AssessmentEvent, Evidence, Response

    problems = []
    # Every acknowledged save is there: the stored version is the last acknowledged one, its text
    # is what that save wrote, and versions are gapless (no save was lost or applied twice).
    checked = 0
    for response in Response.objects.filter(pk__in=list(tally.saves)):
        acked = tally.saves[response.pk]
        checked += 1
        if response.version != max(acked):
            problems.append(
                f"response {response.pk}: version {response.version}, last acknowledged {max(acked)}"
            )
        elif response.statement != acked[response.version]:
            problems.append(f"response {response.pk}: stored text is not the last acknowledged save")
        if sorted(acked) != list(range(1, response.version + 1)):
            problems.append(f"response {response.pk}: acknowledged versions {sorted(acked)} have gaps")
    for assessment_id in assessment_ids:
        stored = Evidence.objects.filter(response__assessment_id=assessment_id).count()
        if stored != tally.uploads[assessment_id]:
            problems.append(
                f"assessment {assessment_id}: {stored} evidence rows, {tally.uploads[assessment_id]} acknowledged"
            )
        for action in ("submitted", "recommended", "returned", "approved"):
            events = AssessmentEvent.objects.filter(assessment_id=assessment_id, action=action).count()
            if events != tally.transitions[(assessment_id, action)]:
                problems.append(
                    f"assessment {assessment_id}: {events} '{action}' entries, "
                    f"{tally.transitions[(assessment_id, action)]} acknowledged"
                )
    for command in ("verify_evidence", "verify_history"):
        out = io.StringIO()
        try:
            call_command(command, stdout=out)
        except CommandError as exc:
            problems.append(f"{command}: {exc}\n{out.getvalue()}")
    tally.add("responses checked", n=checked)
    return problems


def percentile(values, p):
    if not values:
        return 0.0
    values = sorted(values)
    return values[min(len(values) - 1, int(p / 100 * len(values)))]


def main():
    args = parse_args()
    seconds = min(args.seconds, 300)
    # Kept between runs: verify_evidence checks the files of earlier runs in the same database too.
    media_root = str(ROOT / "loadtest" / ".media")
    Path(media_root).mkdir(exist_ok=True)
    setup_django(media_root)
    people = make_people(args.communities)
    gunicorn = start_gunicorn(args.port, args.workers, media_root)
    base = f"http://127.0.0.1:{args.port}"
    tally, stop = Tally(), threading.Event()
    evidence_ids: list = []
    assessment_ids = [c["assessment"].pk for c in people["committees"]]

    def paths_for_committee(committee):
        def paths():
            own = [pk for a, pk in list(evidence_ids) if a == committee["assessment"].pk][-3:]
            return [
                "/",
                f"/communities/{committee['community'].pk}/",
                *[f"/assessments/evidence/{pk}/" for pk in own],
            ]

        return paths

    def paths_for_reviewer():
        recent = [pk for _a, pk in list(evidence_ids)][-4:]
        return ["/", "/communities/?page=1", *[f"/assessments/evidence/{pk}/" for pk in recent]]

    threads = [
        threading.Thread(
            target=committee_member, args=(committee, m, tally, stop, evidence_ids, assessment_ids)
        )
        for committee in people["committees"]
        for m in range(2)
    ]
    threads.append(
        threading.Thread(target=reviewer, args=(people["city"], "city", assessment_ids, tally, stop))
    )
    threads.append(
        threading.Thread(target=reviewer, args=(people["province"], "province", assessment_ids, tally, stop))
    )
    for i in range(args.readers):
        if i % 2 == 0:
            committee = people["committees"][i % len(people["committees"])]
            target = (base, committee["members"][0].username, paths_for_committee(committee), tally, stop)
        else:
            target = (
                base,
                people["city" if i % 4 == 1 else "province"].username,
                paths_for_reviewer,
                tally,
                stop,
            )
        threads.append(threading.Thread(target=reader, args=target))
    started = time.monotonic()
    try:
        for t in threads:
            t.start()
        time.sleep(seconds)
    finally:
        stop.set()
        for t in threads:
            t.join(60)
        elapsed = time.monotonic() - started
        gunicorn.send_signal(signal.SIGTERM)
        gunicorn.wait(20)
    problems = verify(assessment_ids, tally)

    print(
        f"\nLoad test: {elapsed:.0f} s, {len(people['committees'])} committees x 2 members, "
        f"2 reviewers, {args.readers} HTTP readers, gunicorn {args.workers} workers"
    )
    print(f"{'operation':48} {'count':>7} {'per s':>7} {'p50 ms':>8} {'p95 ms':>8}")
    for key in sorted(tally.counts):
        lat = tally.latency.get(key, [])
        print(
            f"{key:48} {tally.counts[key]:7d} {tally.counts[key] / elapsed:7.1f} "
            f"{percentile(lat, 50) * 1000:8.0f} {percentile(lat, 95) * 1000:8.0f}"
            if lat
            else f"{key:48} {tally.counts[key]:7d}"
        )
    print(f"errors (HTTP or unexpected exceptions): {len(tally.errors)}")
    for line in tally.errors[:20]:
        print("  " + line)
    print(f"lost or inconsistent writes: {len(problems)}")
    for line in problems[:20]:
        print("  " + line)
    return 1 if tally.errors or problems else 0


if __name__ == "__main__":
    sys.exit(main())
