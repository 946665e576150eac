"""Bounded load test on loopback: committee members save answers and upload evidence through the
criterion form pages while reviewers decide through the review pages and the province recompiles its
report, with page traffic against gunicorn; afterwards every acknowledged write is counted against
the database. Not part of `make test`.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/gc_8 .venv/bin/python loadtest/run.py --seconds 120

What it exercises, all over HTTP through gunicorn (sync workers, real sockets on 127.0.0.1), at the
same time:
- committee members (two per committee, editing the same criteria): POST
  /assessments/<pk>/criteria/<n>/ with the optimistic version (save), and the same form with a file
  (upload: sniffing, GPS strip, hash, thumbnail, store);
- reviewers: POST /review/<pk>/recommend|return/ (city) and /review/<pk>/approve/ (province), with the
  version the review page shows;
- the province: POST /reports/<pk>/compile/ every 2 s (a compile job, run in process);
- readers: login with CSRF, home page, community list and detail, evidence downloads.
Submitting stays a service call (the submit page answers a redirect both when it submits and when it
refuses a conflict, so the script could not tell them apart).

Checks afterwards: no HTTP error response, no unexpected exception; every response's stored text is
the text of its last acknowledged save and its version the number of acknowledged saves; as many
evidence rows as acknowledged uploads, each file's SHA-256 intact (verify_evidence); as many history
entries of each kind as acknowledged transitions, every chain intact (verify_history); every compile
job of the run done.
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


def multipart(fields: dict, files: list[tuple[str, str, bytes]]) -> tuple[bytes, str]:
    boundary = f"----load{random.getrandbits(64):016x}"
    out = io.BytesIO()
    for name, value in fields.items():
        out.write(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        )
    for name, filename, data in files:
        out.write(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
            f"Content-Type: application/octet-stream\r\n\r\n".encode()
        )
        out.write(data + b"\r\n")
    out.write(f"--{boundary}--\r\n".encode())
    return out.getvalue(), f"multipart/form-data; boundary={boundary}"


class FormBrowser(Browser):
    """A logged-in browser that posts the portal's forms with the CSRF token of the session."""

    def start(self, username) -> bool:
        status, _ = self.login(username)
        if status != 302:
            return False
        _status, body = self.request("/")  # the token changes at login: take the new one from a page
        self.token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1).decode()
        return True

    def post(self, path, fields: dict, files=()):
        fields = {**fields, "csrfmiddlewaretoken": self.token}
        body, content_type = multipart(fields, list(files))
        req = urllib.request.Request(self.base + path, data=body)  # noqa: S310  (loopback only)
        req.add_header("Content-Type", content_type)
        req.add_header("Referer", self.base + path)
        try:
            with self.opener.open(req, timeout=60) as resp:
                return resp.status, resp.read()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read()


def committee_member(
    base,
    committee,
    member_index,
    tally: Tally,
    stop: threading.Event,
    evidence_ids: list,
    assessment_ids: list,
):
    """Edits the committee's answers through the criterion form page (the other member edits the same
    ones), uploads evidence through the same form, and submits when the assessment is complete; after
    a return, revises and resubmits. Once approved, the committee goes on with the next year's
    assessment, so that the load lasts. The version posted is the one the page would show (read
    from the database just before, as a member who just opened the page)."""
    from django.db import connection

    from apps.assessments import services
    from apps.assessments.models import Assessment, Evidence, Rating, Response, State
    from apps.core.errors import ConflictError, ServiceError
    from apps.review import submit_services

    user = committee["members"][member_index]
    rng = random.Random(user.pk)  # noqa: S311
    browser = FormBrowser(base)
    n = 0
    try:
        if not browser.start(user.username):
            tally.error(f"login {user.username} failed")
            return
        tally.add("http login")
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
            number = rng.randint(1, 16)
            response = Response.objects.get(assessment_id=assessment_id, criterion__number=number)
            n += 1
            statement = f"{user.username} 第{n}稿:已完成整治并公示。"
            figure = {5: "100", 12: "45"}.get(number, "")
            path = f"/assessments/{assessment_id}/criteria/{number}/"
            started = time.perf_counter()
            status, body = browser.post(
                path,
                {"rating": Rating.MET, "statement": statement, "figure": figure, "version": response.version},
            )
            if status == 302:
                tally.add("HTTP save (criterion form)", time.perf_counter() - started)
                with tally.lock:
                    tally.saves[response.pk][response.version + 1] = statement
            elif status == 409:
                tally.add("save refused: the other member saved first (409, told)")
            elif status == 400 and not Assessment.objects.get(pk=assessment_id).is_editable:
                tally.add("save refused: submitted meanwhile (400, told)")
            else:
                tally.error(f"POST {path} as {user.username}: {status} {body[:300]!r}")
            if rng.random() < 0.35 and not stop.is_set():
                # Evidence through the same form: the current text unchanged, one new file.
                current = Response.objects.get(pk=response.pk)
                data, name = (
                    (jpeg(n), "photo.jpg") if rng.random() < 0.5 else (pdf(f"{user.pk}-{n}"), "m.pdf")
                )
                before = Evidence.objects.filter(response_id=response.pk).count()
                started = time.perf_counter()
                status, body = browser.post(
                    path,
                    {
                        "rating": current.rating,
                        "statement": current.statement,
                        "figure": "" if current.figure is None else f"{current.figure.normalize():f}",
                        "version": current.version,
                        "caption": f"{user.username} {n}",
                    },
                    files=[("files", name, data)],
                )
                if status == 302:
                    tally.add("HTTP upload (criterion form)", time.perf_counter() - started)
                    with tally.lock:
                        tally.uploads[assessment_id] += 1
                    newest = Evidence.objects.filter(response_id=response.pk).order_by("-id").first()
                    if (
                        newest is not None
                        and Evidence.objects.filter(response_id=response.pk).count() > before
                    ):
                        with tally.lock:
                            evidence_ids.append((assessment_id, newest.pk))
                elif status == 409:
                    tally.add("upload refused: the other member saved the text first (409, told)")
                elif status == 400 and not Assessment.objects.get(pk=assessment_id).is_editable:
                    tally.add("upload refused: submitted meanwhile (400, told)")
                else:
                    tally.error(f"POST {path} (upload) as {user.username}: {status} {body[:300]!r}")
            if rng.random() < 0.25:
                started = time.perf_counter()
                try:
                    submit_services.assessment_submit(
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


def reviewer(base, user, level, assessment_ids, tally: Tally, stop: threading.Event):
    """Through the review pages (/review/<pk>/<action>/): the city recommends most submitted
    assessments and returns some; the province approves recommended ones. The version posted is the
    one the review page shows."""
    from django.db import connection

    from apps.assessments.models import Assessment, State

    rng = random.Random(level)  # noqa: S311
    waiting = State.SUBMITTED if level == "city" else State.RECOMMENDED
    browser = FormBrowser(base)
    try:
        if not browser.start(user.username):
            tally.error(f"login {user.username} failed")
            return
        tally.add("http login")
        while not stop.is_set():
            with tally.lock:
                ids = list(assessment_ids)
            queue = list(Assessment.objects.filter(pk__in=ids, state=waiting))
            if not queue:
                time.sleep(0.3)
                continue
            for assessment in queue:
                fields = {"expected_version": assessment.version}
                if level == "city" and rng.random() < 0.3:
                    action, event, fields["reason"] = "return", "returned", "请补充照片。"
                elif level == "city":
                    action, event = "recommend", "recommended"
                else:
                    action, event = "approve", "approved"
                path = f"/review/{assessment.pk}/{action}/"
                started = time.perf_counter()
                status, body = browser.post(path, fields)
                if status == 302:
                    tally.add(f"HTTP decide ({level}: review page)", time.perf_counter() - started)
                    with tally.lock:
                        tally.transitions[(assessment.pk, event)] += 1
                elif status == 409:
                    tally.add("decision conflict (409, told)")
                else:
                    tally.error(f"POST {path} as {user.username}: {status} {body[:300]!r}")
                if stop.is_set():
                    break
    except Exception as exc:  # noqa: BLE001
        tally.error(f"{level} reviewer: {exc.__class__.__name__}: {exc}")
    finally:
        connection.close()


def compiler(base, user, report_pk, tally: Tally, stop: threading.Event):
    """The province recompiles its annual report through the report page while everything else runs
    (tasks in process: each compile is a whole job inside the request)."""
    browser = FormBrowser(base)
    if not browser.start(user.username):
        tally.error(f"login {user.username} failed")
        return
    while not stop.is_set():
        started = time.perf_counter()
        status, body = browser.post(f"/reports/{report_pk}/compile/", {})
        if status == 302:
            tally.add("HTTP compile job (report page)", time.perf_counter() - started)
        else:
            tally.error(f"POST compile as {user.username}: {status} {body[:300]!r}")
        stop.wait(2)


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
    from apps.reports.models import CompileJob

    jobs = CompileJob.objects.filter(created_at__gte=tally.started_at)
    unfinished = jobs.exclude(state="done").count()
    if unfinished:
        problems.append(f"{unfinished} compile jobs of the run not done")
    tally.add("compile jobs done (checked)", n=jobs.filter(state="done").count())
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

    from django.utils import timezone

    from apps.reports import services as report_services

    tally.started_at = timezone.now()
    report = report_services.annual_report_ensure(
        province_code="310000000000", year=people["committees"][0]["assessment"].year
    )
    threads = [
        threading.Thread(
            target=committee_member, args=(base, committee, m, tally, stop, evidence_ids, assessment_ids)
        )
        for committee in people["committees"]
        for m in range(2)
    ]
    threads.append(
        threading.Thread(target=reviewer, args=(base, people["city"], "city", assessment_ids, tally, stop))
    )
    threads.append(
        threading.Thread(
            target=reviewer, args=(base, people["province"], "province", assessment_ids, tally, stop)
        )
    )
    threads.append(threading.Thread(target=compiler, args=(base, people["province"], report.pk, tally, stop)))
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
        f"2 reviewers, 1 compiling province, {args.readers} HTTP readers, gunicorn {args.workers} workers"
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
