"""A giving burst: BURST_DONORS donors (default 1000) arriving over BURST_SECONDS (default 60), each
as a browser behind the site's TLS proxy, from an address of its own (X-Forwarded-For, read with
TRUSTED_PROXY_COUNT=1, so the rate limits count each donor apart): the campaign page → a tier's
link to /donate/ (or the header's Donate button and an amount of its own) → the form posted → the
confirmation posted (its CSRF cookie and token, as a browser sends them) → Stripe Checkout (the
fake Stripe of bench/fake_stripe_server.py, which answers each API call after 100–300 ms and pays
the session) → Stripe's signed `checkout.session.completed` to the webhook and, at the same
moment, the donor back on the thank-you page, which must say the gift was received.

Prints each step's requests/s, p50, p99 and errors; then waits for the event worker and the task
worker and checks that the counters agree with the ledger (`manage.py recount_progress --check`),
that the campaign's total grew by exactly the gifts paid (in the ledger and on the campaign page)
and that each donor received exactly one receipt (the e-mails the task worker wrote to
BURST_MAIL_DIR with Django's file backend). Exits non-zero when a check or a target (no errors,
every step's p99 under a second) fails.

Usage (Django settings from the environment): python bench/giving_burst.py SITE_URL STRIPE_URL"""

import concurrent.futures
import email
import email.policy
import html
import json
import os
import random
import re
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import urlencode, urlsplit

import django
import urllib3

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jii_campaign.settings")
django.setup()

from django.conf import settings  # noqa: E402
from django.db.models import Sum  # noqa: E402
from django_tasks.base import TaskResultStatus  # noqa: E402
from django_tasks_db.models import DBTaskResult  # noqa: E402

from campaigns.models import Campaign  # noqa: E402
from donations.models import CampaignProgress, Payment, StripeEvent  # noqa: E402
from tests.support.fake_stripe import form_fields  # noqa: E402

P99_TARGET = 1.0  # seconds, every step
# Steps in a donor's order; "Stripe Checkout" is the fake Stripe paying, not the site.
STEPS = [
    "campaign page",
    "donation form",
    "confirmation",
    "pay (session at Stripe)",
    "Stripe Checkout (fake)",
    "webhook",
    "thank-you page",
]
UNCHANGED_PAGE = "campaign page, no gift since"
# Where Stripe's webhooks come from (one of the addresses Stripe publishes for them).
STRIPE_WEBHOOK_ADDRESS = "3.18.12.63"
NAMES = ["山田 花子", "佐藤 健", "Nguyen Van An", "Maria Santos", "李 明", "鈴木 一郎"]
TIER_LINK = re.compile(r'href="(/donate/\?campaign=[^"#]+)')


class StepFailed(Exception):
    pass


@dataclass
class Timings:
    """Every request of every step: when it started and ended, and what went wrong."""

    spans: dict = field(default_factory=lambda: defaultdict(list))
    errors: dict = field(default_factory=lambda: defaultdict(Counter))
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, step, started, ended, error=None):
        with self._lock:
            self.spans[step].append((started, ended))
            if error:
                self.errors[step][error] += 1

    def fail(self, step, error):
        """A request that answered, but not what a donor needs."""
        with self._lock:
            self.errors[step][error] += 1

    def report(self):
        """Per step: requests, req/s, p50, p99, max, errors; and whether the targets hold."""
        ok = True
        print(f"{'step':<26}{'requests':>9}{'req/s':>8}{'p50 ms':>8}{'p99 ms':>8}{'max ms':>8}"
              f"{'errors':>8}")  # fmt: skip
        for step in STEPS:
            spans = self.spans.get(step, [])
            if not spans:
                continue
            durations = sorted(end - start for start, end in spans)
            wall = max(end for _, end in spans) - min(start for start, _ in spans)
            errors = sum(self.errors[step].values())
            print(
                f"{step:<26}{len(spans):>9}{len(spans) / max(wall, 1e-9):>8.1f}"
                f"{percentile(durations, 50) * 1000:>8.0f}{percentile(durations, 99) * 1000:>8.0f}"
                f"{durations[-1] * 1000:>8.0f}{errors:>8}"
            )
            ok &= errors == 0  # the fake's too: a donor it failed never reached the site
            if step != "Stripe Checkout (fake)":
                ok &= percentile(durations, 99) < P99_TARGET
        for step, counts in self.errors.items():
            for error, count in counts.most_common(5):
                print(f"  {step}: {count} × {error}")
        return ok


class WebCpu(Timings):
    """For donors one at a time: the web server's CPU time charged to each step's request."""

    def __init__(self, web_pid):
        super().__init__()
        self.web_pid = web_pid
        self.cpu = defaultdict(float)
        self.last = cpu_seconds(web_pid)

    def record(self, step, started, ended, error=None):
        super().record(step, started, ended, error)
        now = cpu_seconds(self.web_pid)
        self.cpu[step] += now - self.last
        self.last = now

    def report_cpu(self, donors):
        costs = ", ".join(
            f"{step} {self.cpu[step] / donors * 1000:.0f}" for step in STEPS if step in self.cpu
        )
        self.cpu.pop("render after the last gift", 0)
        hit = self.cpu.pop(UNCHANGED_PAGE, 0)
        costs += f" (the campaign page with no gift since: {hit / donors * 1000:.0f})"
        print(f"web CPU ms per request, {donors} donors one at a time: {costs}; a donor in all "
              f"{sum(self.cpu.values()) / donors * 1000:.0f}")  # fmt: skip
        errors = sum(sum(counts.values()) for counts in self.errors.values())
        if errors:
            print(f"  ({errors} errors while measuring: {dict(self.errors)})")


def percentile(ordered, p):
    """Nearest rank: the smallest duration at least p% of the requests took at most."""
    return ordered[max(0, -(-len(ordered) * p // 100) - 1)]


class Browser:
    """One donor's browser behind the TLS proxy: its own connection, its own cookies (the site's
    are Secure, so they are kept here rather than by a client that sees plain HTTP), the proxy's
    X-Forwarded-For and X-Forwarded-Proto."""

    def __init__(self, site, address, timings):
        parts = urlsplit(site)
        self.origin = f"https://{parts.netloc}"
        self.pool = urllib3.HTTPConnectionPool(
            parts.hostname,
            parts.port,
            maxsize=1,
            retries=False,
            timeout=urllib3.Timeout(connect=5, read=30),
        )
        self.headers = {
            "X-Forwarded-For": address,
            "X-Forwarded-Proto": "https",
            "Accept-Encoding": "gzip",
            "Accept-Language": "ja,en;q=0.8",
            "User-Agent": "giving-burst/1 (bench)",
        }
        self.cookies = {}
        self.timings = timings
        self.page = "/"

    def get(self, step, path, expect=200):
        return self._request(step, "GET", path, expect=expect)

    def post(self, step, path, fields, expect=200):
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "Origin": self.origin,
            "Referer": self.origin + self.page,
        }
        return self._request(step, "POST", path, urlencode(fields), headers, expect=expect)

    def _request(self, step, method, path, body=None, headers=(), expect=200):
        headers = {**self.headers, **dict(headers)}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        started = time.perf_counter()
        try:
            response = self.pool.request(method, path, body=body, headers=headers, redirect=False)
        except urllib3.exceptions.HTTPError as error:
            self.timings.record(step, started, time.perf_counter(), type(error).__name__)
            raise StepFailed from error
        ended = time.perf_counter()
        for cookie in response.headers.getlist("Set-Cookie"):
            name, value = cookie.split(";")[0].split("=", 1)
            self.cookies[name] = value
        if response.status != expect:
            self.timings.record(step, started, ended, f"HTTP {response.status}")
            raise StepFailed(step)
        self.timings.record(step, started, ended)
        if method == "GET":
            self.page = path
        return response

    def close(self):
        self.pool.close()


@dataclass
class Outcome:
    email: str
    amount: int = 0  # what Stripe took, 0 when the donor never paid


class Burst:
    def __init__(self, site, stripe, donors, seconds, seed):
        self.site, self.stripe = site.rstrip("/"), stripe.rstrip("/")
        self.donors, self.seconds = donors, seconds
        self.random = random.Random(seed)  # a reproducible load
        self.run = uuid.uuid4().hex[:6]
        self.timings = Timings()
        self.stripe_pool = urllib3.PoolManager(maxsize=256, retries=False)
        self.outcomes: list[Outcome] = []
        self.sequential = False  # webhook after the thank-you page, not beside it

    def address(self, n):
        """A client address of its own per donor, in the benchmarking range 198.18.0.0/15."""
        return f"198.{18 + n // 65024}.{n // 254 % 256}.{n % 254 + 1}"

    def run_all(self):
        arrivals = sorted(self.random.uniform(0, self.seconds) for _ in range(self.donors))
        plans = [self._plan(n) for n in range(self.donors)]
        late = 0
        with concurrent.futures.ThreadPoolExecutor(max_workers=self.donors) as pool:
            start = time.perf_counter()
            futures = []
            for n, at in enumerate(arrivals):
                wait = start + at - time.perf_counter()
                if wait > 0:
                    time.sleep(wait)
                else:
                    late += wait < -0.1
                futures.append(pool.submit(self.donor, n, plans[n]))
            self.outcomes += [f.result() for f in futures]
        return time.perf_counter() - start, late

    def measure_cost(self, donors, web_pid):
        """Donors one at a time, before the burst (numbered after its donors): what each step
        costs the web server in CPU, without the burst's queueing."""
        timings, self.timings, self.sequential = self.timings, WebCpu(web_pid), True
        try:
            for n in range(self.donors, self.donors + donors):
                self.outcomes.append(self.donor(n, self._plan(n)))
                time.sleep(0.5)  # the workers apply and send while nobody is measured
            browser = Browser(self.site, self.address(self.donors + donors), self.timings)
            browser.get("render after the last gift", "/")
            for _ in range(donors):
                browser.get(UNCHANGED_PAGE, "/")  # from the page cache
            browser.close()
            self.timings.report_cpu(donors)
        finally:
            self.timings, self.sequential = timings, False

    def _plan(self, n):
        """What donor n will do, drawn before the clock starts: a tier's link (most donors) or
        the form with an amount of its own, a name, and whether it leaves a message."""
        return {
            "tier_link": self.random.random() < 0.8,
            "other_amount": self.random.randrange(1000, 30001, 500),
            "name": self.random.choice(NAMES),
            "message": self.random.random() < 0.2,
        }

    def donor(self, n, plan):
        outcome = Outcome(email=f"burst-{self.run}-{n}@example.org")
        browser = Browser(self.site, self.address(n), self.timings)
        try:
            self._give(browser, plan, outcome)
        except StepFailed:
            pass
        finally:
            browser.close()
        return outcome

    def _give(self, browser, plan, outcome):
        page = browser.get("campaign page", "/").data.decode()
        links = [html.unescape(link) for link in TIER_LINK.findall(page)]
        form_path = self.random.choice(links) if plan["tier_link"] and links else "/donate/"
        form = browser.get("donation form", form_path)
        fields = form_fields(SimpleNamespace(content=form.data), "/donate/confirm/")
        fields.update(frequency="once", donor_name=plan["name"], donor_email=outcome.email)
        fields["agree_terms"] = "on"
        if not fields.get("tier"):
            fields.update(tier="other", other_amount=str(plan["other_amount"]))
        if plan["message"]:
            fields.update(message="応援しています！", message_consent="on")
        confirmation = browser.post("confirmation", "/donate/confirm/", fields)
        pay_fields = form_fields(SimpleNamespace(content=confirmation.data), "/donate/pay/")
        to_stripe = browser.post("pay (session at Stripe)", "/donate/pay/", pay_fields, 303)
        session_id = urlsplit(to_stripe.headers["Location"]).path.rsplit("/", 1)[-1]
        paid = self._pay_at_stripe(session_id)
        outcome.amount = paid["amount"]
        # Stripe sends the event while the browser follows the success URL: either may come first.
        delivery = threading.Thread(target=self._deliver, args=(paid,))
        if not self.sequential:
            delivery.start()
        success = urlsplit(paid["success_url"])
        thanks = browser.get("thank-you page", f"{success.path}?{success.query}")
        if self.sequential:
            delivery.start()
        delivery.join()
        body = thanks.data.decode()
        if f"¥{paid['amount']:,}" not in body or outcome.email not in body:
            self.timings.fail("thank-you page", "the gift is not shown as received")

    def _pay_at_stripe(self, session_id):
        started = time.perf_counter()
        try:
            response = self.stripe_pool.request("POST", f"{self.stripe}/bench/pay/{session_id}")
        except urllib3.exceptions.HTTPError as error:
            self.timings.record("Stripe Checkout (fake)", started, time.perf_counter(), str(error))
            raise StepFailed from error
        error = None if response.status == 200 else f"HTTP {response.status}"
        self.timings.record("Stripe Checkout (fake)", started, time.perf_counter(), error)
        if error:
            raise StepFailed(error)
        return json.loads(response.data)

    def _deliver(self, paid):
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            "Stripe-Signature": paid["signature"],
            "User-Agent": "Stripe/1.0 (+https://stripe.com/docs/webhooks)",
            "X-Forwarded-For": STRIPE_WEBHOOK_ADDRESS,
            "X-Forwarded-Proto": "https",
        }
        started = time.perf_counter()
        try:
            response = self.stripe_pool.request(
                "POST", f"{self.site}/stripe/webhook/", body=paid["payload"].encode(),
                headers=headers, redirect=False,
            )  # fmt: skip
            error = None if response.status == 200 else f"HTTP {response.status}"
        except urllib3.exceptions.HTTPError as exc:
            error = type(exc).__name__
        self.timings.record("webhook", started, time.perf_counter(), error)


# --- after the burst ------------------------------------------------------------------------


def wait_for(what, done, timeout=600):
    """Seconds until `done()`; fails the run after `timeout`."""
    start = time.perf_counter()
    while not done():
        if time.perf_counter() - start > timeout:
            raise SystemExit(f"FAIL: {what} not done after {timeout} s")
        time.sleep(0.1)
    return time.perf_counter() - start


def tasks_due():
    """Tasks ready or running now (a retry due later would show in the check): the receipts and
    what a receipt may wait for (the task that asks Stripe which method paid)."""
    return DBTaskResult.objects.ready().exists() or DBTaskResult.objects.running().exists()


def receipts_by_recipient(mail_dir: Path) -> Counter:
    """Each receipt Django's file backend wrote (one file per connection, messages separated by
    a line of 79 dashes), counted by recipient: a receipt links to its PDF at /donate/receipt/."""
    counts = Counter()
    for path in mail_dir.iterdir():
        for raw in path.read_bytes().split(b"\n" + b"-" * 79 + b"\n"):
            if not raw.strip():
                continue
            message = email.message_from_bytes(raw, policy=email.policy.default)
            if "/donate/receipt/" in message.get_body(("plain",)).get_content():
                counts[str(message["To"])] += 1
    return counts


def raised_shown(page: str) -> int:
    """The one-time total the campaign page shows."""
    figures = re.search(r'id="progress-onetime-figures">(.*?)</dl>', page, re.S)[1]
    return int(re.search(r"<dd>¥([\d,]+)</dd>", figures)[1].replace(",", ""))


def limit_per_address() -> int:
    return int(settings.RATE_LIMITS["donate_confirm"]["ip"].split("/")[0])


def limits_on(burst) -> tuple[int, bool]:
    """One more address (after the burst's) posting the form with a new e-mail address each
    time: how many confirmations it was shown, and whether the next was refused (429)."""
    browser = Browser(burst.site, burst.address(burst.donors + 1000), Timings())
    form = browser.get("donation form", "/donate/")
    fields = form_fields(SimpleNamespace(content=form.data), "/donate/confirm/")
    fields.update(frequency="once", donor_name="山田 花子", agree_terms="on")
    if not fields.get("tier"):
        fields.update(tier="other", other_amount="3000")
    allowed = 0
    try:
        for n in range(limit_per_address()):
            fields["donor_email"] = f"limit-{burst.run}-{n}@example.org"
            browser.post("confirmation", "/donate/confirm/", fields)
            allowed += 1
        fields["donor_email"] = f"limit-{burst.run}-over@example.org"
        browser.post("confirmation", "/donate/confirm/", fields, expect=429)
    except StepFailed:
        return allowed, False
    finally:
        browser.close()
    return allowed, True


def check(burst, campaign, raised_before, mail_dir) -> bool:
    paid = [o for o in burst.outcomes if o.amount]
    expected = sum(o.amount for o in paid)
    results = []

    recount = subprocess.run(
        [sys.executable, "manage.py", "recount_progress", "--check"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    said = recount.stdout.strip() or recount.stderr.strip()
    results.append(
        ("counters agree with the ledger (recount_progress)", not recount.returncode, said)
    )

    raised = CampaignProgress.objects.get(pk=campaign.pk).onetime_raised
    ledger = Payment.objects.filter(donation__donor_email__startswith=f"burst-{burst.run}-")
    in_ledger = ledger.aggregate(total=Sum("amount"), n=django.db.models.Count("id"))
    exact = raised - raised_before == expected == (in_ledger["total"] or 0)
    results.append(
        (
            "the campaign total grew by exactly the gifts paid",
            exact and in_ledger["n"] == len(paid),
            f"paid at Stripe: {len(paid)} gifts, ¥{expected:,}; ledger: {in_ledger['n']} "
            f"payments, ¥{in_ledger['total'] or 0:,}; counter: ¥{raised_before:,} → ¥{raised:,}",
        )
    )

    page = urllib3.request("GET", burst.site + "/", headers={"X-Forwarded-Proto": "https"})
    shown = raised_shown(page.data.decode())
    results.append(("the campaign page shows the new total", shown == raised, f"¥{shown:,}"))

    counts = receipts_by_recipient(mail_dir)
    ours = {o.email for o in paid}
    missing = [e for e in ours if counts[e] == 0]
    doubled = [e for e in ours if counts[e] > 1]
    strangers = [e for e in counts if e.startswith(f"burst-{burst.run}-") and e not in ours]
    results.append(
        (
            "one receipt per gift",
            not (missing or doubled or strangers),
            f"{sum(counts[e] for e in ours)} receipts for {len(ours)} gifts; missing "
            f"{len(missing)}, more than one {len(doubled)}, without a gift {len(strangers)}",
        )
    )

    unmarked = ledger.filter(receipt_sent_at__isnull=True).count()
    failed = DBTaskResult.objects.filter(
        status=TaskResultStatus.FAILED, task_path="donations.tasks.send_receipt"
    ).count()
    results.append(
        (
            "the ledger knows each receipt was sent",
            not (unmarked or failed),
            f"payments without receipt_sent_at {unmarked}, receipt tasks failed {failed}",
        )
    )

    allowed, refused = limits_on(burst)
    results.append(
        (
            "rate limits were on: one address is refused once over the confirmation's limit",
            allowed == limit_per_address() and refused,
            f"{allowed} confirmations answered, then {'429' if refused else 'no refusal'}",
        )
    )

    report = json.loads(urllib3.request("GET", burst.stripe + "/bench/report").data)
    results.append(
        (
            "Stripe would have accepted every request the site sent",
            not (report["refused"] or report["shape_errors"]),
            f"{report['requests']} API requests, {report['sessions']} sessions, "
            f"{report['paid']} paid; refused {report['refused'][:3]}, "
            f"shape errors {report['shape_errors'][:3]}",
        )
    )

    for name, passed, detail in results:
        print(f"{'ok  ' if passed else 'FAIL'} {name}: {detail}")
    return all(passed for _, passed, _ in results)


def cpu_seconds(pid: int) -> float:
    """CPU time (user and system) of a process and every process below it, in seconds."""
    children = defaultdict(list)
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # ended meanwhile
        children[int(fields[1])].append(int(stat.parent.name))
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        try:
            fields = Path(f"/proc/{current}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
        todo += children[current]
    return total / os.sysconf("SC_CLK_TCK")


def processes() -> dict[str, int]:
    """BURST_PROCESSES="web:PID events:PID ...": the processes whose CPU time is reported."""
    pairs = (item.split(":") for item in os.environ.get("BURST_PROCESSES", "").split())
    return {name: int(pid) for name, pid in pairs} | {"load generator": os.getpid()}


def cpu_report(before: dict, after: dict, donors: int, seconds: float):
    used = {name: after[name] - before[name] for name in before}
    total = sum(used.values())
    parts = ", ".join(f"{name} {cpu:.1f}" for name, cpu in used.items())
    print(
        f"CPU seconds used during the burst and until every receipt was sent ({seconds:.0f} s): "
        f"{parts}; all {total:.1f}, {total / max(donors, 1) * 1000:.0f} ms per donor, "
        f"{total / seconds:.2f} cores on average"
    )


def machine():
    load = " ".join(Path("/proc/loadavg").read_text().split()[:3])
    return f"nproc {len(os.sched_getaffinity(0))}, /proc/loadavg {load}"


def main(site, stripe):
    donors = int(os.environ.get("BURST_DONORS", 1000))
    seconds = float(os.environ.get("BURST_SECONDS", 60))
    mail_dir = Path(os.environ["BURST_MAIL_DIR"])
    campaign = Campaign.objects.featured()
    CampaignProgress.objects.get_or_create(pk=campaign.pk)
    raised_before = CampaignProgress.objects.get(pk=campaign.pk).onetime_raised
    print(f"== giving burst: {donors} donors over {seconds:g} s; machine: {machine()}")
    burst = Burst(site, stripe, donors, seconds, int(os.environ.get("BURST_SEED", 1)))
    watched = processes()
    if "web" in watched:
        burst.measure_cost(int(os.environ.get("BURST_MEASURED_ONE_BY_ONE", 10)), watched["web"])
    cpu_before = {name: cpu_seconds(pid) for name, pid in watched.items()}
    started = time.perf_counter()
    took, late = burst.run_all()
    saturated = f"; {late} started over 0.1 s late (the client was saturated)" if late else ""
    print(f"all donors done {took:.1f} s after the first arrived{saturated}")
    targets_met = burst.timings.report()
    applied = wait_for("the event worker", lambda: not StripeEvent.objects.queued().exists())
    sent = wait_for("the task worker's receipts", lambda: not tasks_due())
    print(
        f"events all applied {applied:.1f} s after the last donor; "
        f"receipts all sent {applied + sent:.1f} s after"
    )
    cpu_after = {name: cpu_seconds(pid) for name, pid in watched.items()}
    cpu_report(cpu_before, cpu_after, donors, time.perf_counter() - started)
    checks_pass = check(burst, campaign, raised_before, mail_dir)
    print(f"== machine after the burst: {machine()}")
    print(
        "targets: 0 errors and every step's p99 under 1 s: "
        + ("met" if targets_met else "NOT MET")
        + "; checks: "
        + ("all pass" if checks_pass else "FAILED")
    )
    return 0 if targets_met and checks_pass else 1


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:3]))
