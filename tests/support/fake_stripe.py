"""A fake api.stripe.com on loopback: the real stripe SDK talks to it over real HTTP, and tests
read back the exact form-encoded requests it received. Also the donor's side of the flow: forms
as a browser submits them, and e-mails as the task worker sends them.

Like Stripe, it refuses a request the pinned SDK's request types do not allow (an unknown or
missing parameter, a value outside an enum, text for an integer, another API version) with
Stripe's 400 `invalid_request_error` (tests/support/stripe_request_types.py), and it answers
with objects shaped by the SDK's resource classes (tests/support/stripe_shapes.py). A test in
which the site sent a refused request fails, unless it says it expects that (`expect_refusals`).

The `fake_stripe` fixture (tests/conftest.py) switches the site to Stripe mode against the fake.
"""

import copy
import itertools
import json
import re
import signal
import threading
import time
from dataclasses import dataclass, field
from html.parser import HTMLParser

from django.core.management import call_command
from pytest_httpserver import HTTPServer
from stripe import Account, PaymentIntent, PaymentMethod, PaymentMethodConfiguration, Price
from stripe.billing_portal import Configuration as PortalConfiguration
from stripe.checkout import Session as CheckoutSession
from werkzeug import Request, Response

from donations.stripe import gateway
from tests.support import stripe_request_types
from tests.support.stripe_shapes import full_object, undeclared

CHECKOUT_HOST = "https://checkout.stripe.com"
PORTAL_HOST = "https://billing.stripe.com"
_KEY_PART = re.compile(r"[^\[\]]+")


@dataclass
class Call:
    """One request as the fake received it."""

    method: str
    path: str
    params: dict  # flat, as encoded on the wire: {"line_items[0][price_data][unit_amount]": "3000"}
    headers: dict = field(repr=False)
    refusal: dict | None = None  # Stripe's 400 body when the request was refused

    @property
    def idempotency_key(self):
        return self.headers.get("Idempotency-Key")


def nest(flat: dict) -> dict:
    """Stripe's form encoding back into objects: a[b][0]=x -> {"a": {"b": ["x"]}}."""
    root: dict = {}
    for key, value in flat.items():
        parts = _KEY_PART.findall(key)
        node = root
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = value
    return _lists(root)


def _lists(node):
    if not isinstance(node, dict):
        return node
    if node and all(key.isdigit() for key in node):
        return [_lists(node[key]) for key in sorted(node, key=int)]
    return {key: _lists(value) for key, value in node.items()}


def _error(status, message, *, code=None, error_type="invalid_request_error", **headers):
    body = {"error": {"type": error_type, "message": message, "code": code}}
    return Response(json.dumps(body), status=status, headers=headers, mimetype="application/json")


class _Refusal(Exception):
    """Stripe's 400 for a request whose parameters each pass but not together."""

    def __init__(self, message, code=None):
        super().__init__(message)
        error = {"type": "invalid_request_error", "message": message}
        if code:
            error["code"] = code
        self.body = {"error": error}


def _json(obj, **headers):
    return Response(json.dumps(obj), status=200, headers=headers, mimetype="application/json")


class FakeStripe:
    """The parts of the Stripe API this site uses, with state kept in memory."""

    def __init__(self, server: HTTPServer):
        self.server = server
        self.calls: list[Call] = []
        self.sessions: dict[str, dict] = {}
        self.payment_intents: dict[str, dict] = {}
        self.payment_methods: dict[str, dict] = {}
        self.customers: dict[str, dict] = {}
        self.account = account_with(CAPABILITIES_ACTIVE)
        self.listed = {"invoices": [], "subscriptions": []}
        self.webhook_endpoints: dict[str, dict] = {}
        self.portal_configurations: list[dict] = [portal_configuration()]
        self.payment_method_configurations: list[dict] = [payment_method_configuration()]
        self.shape_errors: list[str] = []
        self.refusals_expected = False
        self._replies: dict[str, tuple[dict, dict]] = {}
        self._failures: list[int] = []
        self._delays: list[float] = []
        self.hanging = 0  # requests being held by hang_next() right now
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        server.expect_request(re.compile(r"^/v1/.*")).respond_with_handler(self._handle)

    # --- what tests arrange ----------------------------------------------------------------

    def fail_next(self, status=500, times=1):
        """Answer the next requests with an error, before doing anything (like a rate limit or
        an outage in front of the API): such a reply is not stored under the idempotency key."""
        self._failures.extend([status] * times)

    def hang_next(self, seconds, times=1):
        """Answer the next requests only after a long wait, as an overloaded network does."""
        self._delays.extend([seconds] * times)

    def stop(self):
        """Stripe unreachable: nothing listens on the address the site calls any more."""
        self.server.stop()

    def expect_refusals(self):
        """This test sends requests Stripe refuses on purpose."""
        self.refusals_expected = True

    def complete(self, session_id, *, payment_status="paid", paid_with="card", **fields):
        """The donor finished Checkout, paying with one of the session's methods (`paid_with`,
        a payment method type): fill in what Stripe fills in then."""
        session = self.sessions[session_id]
        if paid_with not in session["payment_method_types"]:
            raise AssertionError(f"{session_id} does not offer {paid_with}")
        n = self._next()
        session.update(status="complete", payment_status=payment_status)
        session["customer"] = session["customer"] or f"cus_fake{n}"
        if session["mode"] == "subscription":
            session["subscription"] = session["subscription"] or f"sub_fake{n}"
        else:
            intent_id = session["payment_intent"] or f"pi_fake{n}"
            session["payment_intent"] = intent_id
            intent = self.payment_intents.setdefault(
                intent_id, self._payment_intent(intent_id, session)
            )
            intent["payment_method"] = self._payment_method(paid_with, session["customer"])["id"]
            intent["payment_method_types"] = list(session["payment_method_types"])
        session.update(fields)
        return session

    def complete_konbini(self, session_id, voucher_url):
        """Konbini: Checkout completes unpaid and the payment intent carries the voucher."""
        session = self.complete(session_id, payment_status="unpaid", paid_with="konbini")
        intent = self.payment_intents[session["payment_intent"]]
        details = full_object(
            PaymentIntent.NextAction.KonbiniDisplayDetails,
            expires_at=int(time.time()) + 3 * 24 * 3600,
            hosted_voucher_url=voucher_url,
            stores=full_object(PaymentIntent.NextAction.KonbiniDisplayDetails.Stores),
        )
        intent.update(
            status="requires_action",
            amount_received=0,
            next_action=full_object(
                PaymentIntent.NextAction,
                type="konbini_display_details",
                konbini_display_details=details,
            ),
        )
        return session

    # --- PayPay and Stripe's bank transfer (customer_balance) --------------------------------

    def complete_paypay(self, session_id):
        """PayPay: the donor approves in the app and Checkout completes paid."""
        return self.complete(session_id, paid_with="paypay")

    def complete_bank_transfer(self, session_id, instructions_url, *, amount_remaining=None):
        """Bank transfer: Checkout completes unpaid; the payment intent shows the virtual
        account (a zengin address) and what is still to be transferred."""
        session = self.complete(session_id, payment_status="unpaid", paid_with="customer_balance")
        intent = self.payment_intents[session["payment_intent"]]
        instructions = PaymentIntent.NextAction.DisplayBankTransferInstructions
        zengin_cls = instructions.FinancialAddress.Zengin
        zengin = full_object(
            zengin_cls,
            account_holder_address=full_object(zengin_cls.AccountHolderAddress, country="JP"),
            bank_address=full_object(zengin_cls.BankAddress, country="JP"),
            account_holder_name="ｼﾞｴｲｱｲｱｲﾊﾟ-ﾄﾅ-ｽﾞ",
            account_number="1234567",
            account_type="futsu",
            bank_code="0009",
            bank_name="三井住友銀行",
            branch_code="950",
            branch_name="ストライプ支店",
        )
        address = full_object(
            instructions.FinancialAddress,
            supported_networks=["zengin"],
            type="zengin",
            zengin=zengin,
        )
        remaining = session["amount_total"] if amount_remaining is None else amount_remaining
        intent.update(
            status="requires_action",
            amount_received=session["amount_total"] - remaining,
            next_action=full_object(
                PaymentIntent.NextAction,
                type="display_bank_transfer_instructions",
                display_bank_transfer_instructions=full_object(
                    instructions,
                    amount_remaining=remaining,
                    currency="jpy",
                    financial_addresses=[address],
                    hosted_instructions_url=instructions_url,
                    reference=None,
                    type="jp_bank_transfer",
                ),
            ),
        )
        return session

    # --- what tests read -------------------------------------------------------------------

    def requests_to(self, method, path):
        return [call for call in self.calls if call.method == method and call.path == path]

    @property
    def session_creates(self):
        return self.requests_to("POST", "/v1/checkout/sessions")

    @property
    def portal_creates(self):
        return self.requests_to("POST", "/v1/billing_portal/sessions")

    @property
    def refused(self) -> list[Call]:
        return [call for call in self.calls if call.refusal]

    # --- the API ---------------------------------------------------------------------------

    def _handle(self, request: Request) -> Response:
        flat = request.form.to_dict() if request.method == "POST" else request.args.to_dict()
        call = Call(request.method, request.path, flat, dict(request.headers))
        with self._lock:
            delay = self._delays.pop(0) if self._delays else 0
            self.hanging += bool(delay)
        time.sleep(delay)
        with self._lock:
            self.hanging -= bool(delay)
            self.calls.append(call)
            if self._failures:
                return _error(self._failures.pop(0), "Fake outage", error_type="api_error")
            route = stripe_request_types.route_for(call.method, call.path)
            if route is None:
                return _error(404, f"Unrecognized request URL ({call.method}: {call.path})")
            call.refusal = stripe_request_types.refusal(
                route, nest(call.params), call.headers.get("Stripe-Version")
            )
            if call.refusal:
                # Stripe stores no idempotent result for a request that fails validation.
                return Response(json.dumps(call.refusal), status=400, mimetype="application/json")
            response = self._route(call)
            if response.status_code == 200:
                self._check_shape(call, response)
            return response

    def _check_shape(self, call: Call, response: Response):
        for key in undeclared(json.loads(response.get_data())):
            self.shape_errors.append(f"{call.method} {call.path}: {key}")

    def _route(self, call: Call) -> Response:
        path = call.path.removeprefix("/v1/")
        params = nest(call.params)
        # Checkout and the customer portal
        if call.method == "POST" and path == "checkout/sessions":
            return self._idempotent(call, self._create_session)
        if call.method == "POST" and path == "billing_portal/sessions":
            return self._idempotent(call, self._create_portal_session)
        if call.method == "GET" and path == "account":
            return _json(self.account)
        if call.method == "POST" and path == "customers":
            return self._idempotent(call, self._create_customer)
        if call.method == "GET" and path.startswith("checkout/sessions/"):
            return self._retrieve_session(path.removeprefix("checkout/sessions/"), params)
        # Lists read back by reconcile_stripe
        if call.method == "GET" and path == "checkout/sessions":
            return self._list(list(self.sessions.values()), call)
        if call.method == "GET" and path in self.listed:
            return self._list(self.listed[path], call)
        # Account set-up (manage.py stripe_setup)
        if path == "webhook_endpoints":
            if call.method == "GET":
                return self._list(list(self.webhook_endpoints.values()), call)
            return self._idempotent(call, self._create_webhook_endpoint)
        if path.startswith("webhook_endpoints/"):
            return self._webhook_endpoint(call, path.removeprefix("webhook_endpoints/"))
        if call.method == "GET" and path == "billing_portal/configurations":
            wanted = {key: value == "true" for key, value in params.items() if key != "limit"}
            configurations = [
                c for c in self.portal_configurations if all(c[k] is v for k, v in wanted.items())
            ]
            return self._list(configurations, call)
        if path.startswith("subscriptions/") and call.method in ("POST", "DELETE"):
            return self._change_subscription(call, path.removeprefix("subscriptions/"))
        if call.method == "GET" and path == "payment_method_configurations":
            return self._list(self.payment_method_configurations, call)
        if call.method == "GET" and path.startswith("subscriptions/") and params.get("expand"):
            return self._retrieve_subscription_expanded(path.removeprefix("subscriptions/"), params)
        if call.method == "GET" and path.count("/") == 1:
            return self._retrieve_served(*path.split("/"))
        if call.method == "GET" and path == "invoice_payments":
            return self._list_invoice_payments(call, params)
        return _error(404, f"Unrecognized request URL ({call.method}: {call.path})")

    def _idempotent(self, call: Call, create) -> Response:
        """Stripe answers a repeated Idempotency-Key with the first result, and refuses the key
        when the parameters differ."""
        key = call.idempotency_key
        if key and key in self._replies:
            params, reply = self._replies[key]
            if params != call.params:
                return _error(
                    400,
                    "Keys for idempotent requests can only be used with the same "
                    "parameters they were first used with.",
                    error_type="idempotency_error",
                )
            return _json(reply, **{"Idempotent-Replayed": "true"})
        try:
            reply = create(nest(call.params))
        except _Refusal as refusal:
            call.refusal = refusal.body
            return Response(json.dumps(refusal.body), status=400, mimetype="application/json")
        if key:
            self._replies[key] = (call.params, copy.deepcopy(reply))  # as first answered
        return _json(reply)

    def _create_session(self, params: dict) -> dict:
        if params.get("customer") and params.get("customer_email"):
            raise _Refusal(
                "You may only specify one of these parameters: customer, customer_email."
            )
        if params.get("customer") and params["customer"] not in self.customers:
            raise _Refusal(f"No such customer: '{params['customer']}'", code="resource_missing")
        session_id = f"cs_test_fake{self._next()}"
        items = params.get("line_items", [])
        total = sum(
            int(item["price_data"]["unit_amount"]) * int(item.get("quantity", 1)) for item in items
        )
        now = int(time.time())
        allowed = params.get("allowed_payment_method_types")
        session = full_object(
            "checkout.session",
            id=session_id,
            allowed_payment_method_types=allowed,
            amount_subtotal=total,
            amount_total=total,
            automatic_tax=full_object(CheckoutSession.AutomaticTax, enabled=False),
            cancel_url=params.get("cancel_url"),
            client_reference_id=params.get("client_reference_id"),
            created=now,
            currency="jpy",
            custom_fields=[],
            custom_text=full_object(CheckoutSession.CustomText),
            customer=params.get("customer"),
            customer_creation=params.get("customer_creation", "if_required"),
            customer_email=params.get("customer_email"),
            expires_at=now + 24 * 3600,
            livemode=False,
            locale=params.get("locale"),
            metadata=params.get("metadata", {}),
            mode=params.get("mode"),
            # What Stripe found eligible; the fake takes the allowed list (or card) as eligible.
            payment_method_types=allowed or ["card"],
            payment_status="unpaid",
            shipping_options=[],
            status="open",
            submit_type=params.get("submit_type"),
            success_url=params.get("success_url"),
            ui_mode="hosted_page",
            url=f"{CHECKOUT_HOST}/c/pay/{session_id}",
        )
        self.sessions[session_id] = session
        return session

    def _payment_intent(self, intent_id: str, session: dict) -> dict:
        return full_object(
            "payment_intent",
            id=intent_id,
            amount=session["amount_total"],
            amount_capturable=0,
            amount_received=session["amount_total"],
            capture_method="automatic",
            confirmation_method="automatic",
            created=int(time.time()),
            currency="jpy",
            livemode=False,
            metadata=(session["metadata"] or {}),
            payment_method_types=["card"],
            status="succeeded",
        )

    def _create_portal_session(self, params: dict) -> dict:
        portal_id = f"bps_fake{self._next()}"
        return full_object(
            "billing_portal.session",
            id=portal_id,
            configuration=self.portal_configurations[0]["id"],
            created=int(time.time()),
            customer=params.get("customer"),
            livemode=False,
            locale=params.get("locale"),
            return_url=params.get("return_url"),
            url=f"{PORTAL_HOST}/p/session/{portal_id}",
            flow=_portal_flow(params.get("flow_data")),
        )

    def _retrieve_session(self, session_id: str, params: dict) -> Response:
        session = self.sessions.get(session_id)
        if session is None:
            return _error(404, f"No such checkout.session: '{session_id}'", code="resource_missing")
        session = dict(session)
        expand = params.get("expand", [])
        if "payment_intent" in expand and session["payment_intent"]:
            intent = dict(self.payment_intents[session["payment_intent"]])
            if "payment_intent.payment_method" in expand and intent.get("payment_method"):
                intent["payment_method"] = self.payment_methods[intent["payment_method"]]
            session["payment_intent"] = intent
        return _json(session)

    def _create_webhook_endpoint(self, params: dict) -> dict:
        n = self._next()
        endpoint = full_object(
            "webhook_endpoint",
            id=f"we_fake{n}",
            api_version=params.get("api_version"),
            created=int(time.time()),
            description=params.get("description"),
            enabled_events=params["enabled_events"],
            livemode=False,
            metadata=params.get("metadata", {}),
            status="enabled",
            url=params["url"],
        )
        self.webhook_endpoints[endpoint["id"]] = endpoint
        # The signing secret is in the answer to the create call only.
        return {**endpoint, "secret": f"whsec_fake{n}"}

    def _webhook_endpoint(self, call: Call, endpoint_id: str) -> Response:
        endpoint = self.webhook_endpoints.get(endpoint_id)
        if endpoint is None:
            return _error(
                404, f"No such webhook endpoint: '{endpoint_id}'", code="resource_missing"
            )
        if call.method == "DELETE":
            del self.webhook_endpoints[endpoint_id]
            return _json({"id": endpoint_id, "object": "webhook_endpoint", "deleted": True})
        if call.method == "POST":

            def update(params):
                endpoint.update(params)
                endpoint["status"] = "disabled" if params.get("disabled") == "true" else "enabled"
                endpoint.pop("disabled", None)
                return endpoint

            return self._idempotent(call, update)
        return _json(endpoint)

    # --- objects fetched again by id (a held event of another API version) -------------------

    SERVED_COLLECTIONS = {
        "charges": "charge",
        "disputes": "dispute",
        "invoice_payments": "invoice_payment",
        "invoices": "invoice",
        "refunds": "refund",
        "subscriptions": "subscription",
    }

    def serve(self, obj: dict) -> dict:
        """Stripe holds this object (as the tests' builders shape it): `GET /v1/<its
        collection>/<id>` answers it; a Checkout session joins the sessions."""
        if obj["object"] == "checkout.session":
            self.sessions[obj["id"]] = obj
        else:
            self._served[obj["id"]] = obj
        return obj

    @property
    def _served(self) -> dict:
        return self.__dict__.setdefault("_served_objects", {})

    def _retrieve_served(self, collection: str, object_id: str) -> Response:
        obj = self._served.get(object_id)
        kind = self.SERVED_COLLECTIONS.get(collection)
        if kind is None or obj is None or obj["object"] != kind:
            return _error(
                404, f"No such {kind or collection}: '{object_id}'", code="resource_missing"
            )
        return _json(obj)

    # --- a supporter's changes (donations/supporters/): subscriptions updated and cancelled ---

    def _change_subscription(self, call: Call, subscription_id: str) -> Response:
        """`POST /v1/subscriptions/<id>` (pause_collection set, or cleared with "") and
        `DELETE /v1/subscriptions/<id>` on a subscription the test `serve`d."""
        subscription = self._served.get(subscription_id)
        if subscription is None or subscription["object"] != "subscription":
            return _error(
                404, f"No such subscription: '{subscription_id}'", code="resource_missing"
            )
        if subscription["status"] == "canceled":
            return _error(
                400,
                "A canceled subscription can only update its cancellation_details and metadata.",
            )
        if call.method == "DELETE":
            subscription.update(status="canceled", canceled_at=int(time.time()))
            return _json(subscription)
        for change in nest(call.params).get("items", []):
            self._replace_price(subscription, change)
        pause = nest(call.params).get("pause_collection")
        if pause == "":
            subscription["pause_collection"] = None
        elif pause is not None:
            subscription["pause_collection"] = {
                "behavior": pause["behavior"],
                "resumes_at": int(pause["resumes_at"]) if pause.get("resumes_at") else None,
            }
        return _json(subscription)

    def _replace_price(self, subscription: dict, change: dict):
        """An item's `price_data`: a new price of the product, as Stripe creates one."""
        [item] = [i for i in subscription["items"]["data"] if i["id"] == change["id"]]
        data = change["price_data"]
        item["price"] = subscription_price(
            product=data["product"],
            unit_amount=int(data["unit_amount"]),
            price_id=f"price_fake{self._next()}",
        )

    # --- an invoice's payments, with their payment intents (failed payments recovered) ------

    def serve_failed_attempt(self, *, invoice_id, amount, error: dict) -> dict:
        """Stripe holds a failed attempt at this invoice: an open invoice payment whose payment
        intent carries `last_payment_error` (built with `payment_error`)."""
        intent_id = f"pi_fake{self._next()}"
        self.payment_intents[intent_id] = full_object(
            "payment_intent",
            id=intent_id,
            amount=amount,
            amount_capturable=0,
            amount_received=0,
            capture_method="automatic",
            confirmation_method="automatic",
            created=int(time.time()),
            currency="jpy",
            last_payment_error=error,
            livemode=False,
            metadata={},
            payment_method_types=["card"],
            status="requires_payment_method",
        )
        invoice_payment = full_object(
            "invoice_payment",
            id=f"inpay_fake{self._next()}",
            amount_paid=None,
            amount_requested=amount,
            created=int(time.time()),
            currency="jpy",
            invoice=invoice_id,
            is_default=True,
            livemode=False,
            payment={"type": "payment_intent", "payment_intent": intent_id},
            status="open",
            status_transitions={"canceled_at": None, "paid_at": None},
        )
        return self.serve(invoice_payment)

    def _list_invoice_payments(self, call: Call, params: dict) -> Response:
        found = [
            copy.deepcopy(obj)
            for obj in self._served.values()
            if obj["object"] == "invoice_payment" and obj["invoice"] == params.get("invoice")
        ]
        if "data.payment.payment_intent" in params.get("expand", []):
            for obj in found:
                intent_id = obj["payment"]["payment_intent"]
                obj["payment"]["payment_intent"] = self.payment_intents[intent_id]
        return _json({"object": "list", "data": found, "has_more": False, "url": call.path})

    # --- a subscription's card (cards that expire soon) -------------------------------------

    def serve_card(self, subscription: dict, method: dict) -> dict:
        """Stripe holds this subscription, charging this payment method (its
        `default_payment_method`, which Checkout sets)."""
        self.__dict__.setdefault("_payment_methods", {})[method["id"]] = method
        return self.serve({**subscription, "default_payment_method": method["id"]})

    def _retrieve_subscription_expanded(self, subscription_id: str, params: dict) -> Response:
        response = self._retrieve_served("subscriptions", subscription_id)
        if response.status_code != 200:
            return response
        subscription = json.loads(response.get_data())
        if "default_payment_method" in params["expand"] and subscription.get(
            "default_payment_method"
        ):
            methods = self.__dict__.get("_payment_methods", {})
            subscription["default_payment_method"] = methods[subscription["default_payment_method"]]
        return _json(subscription)

    def _list(self, objects: list, call: Call) -> Response:
        since = int(call.params.get("created[gte]", 0))
        data = [obj for obj in objects if obj.get("created", 0) >= since]
        return _json({"object": "list", "data": data, "has_more": False, "url": call.path})

    # --- the method a donor paid with; Customers created before their session --------------

    def _payment_method(self, method_type: str, customer: str | None) -> dict:
        """A payment method of the type the donor used, as Stripe returns it expanded."""
        details = {"card": card_payment_method(exp_month=12, exp_year=2030)["card"]}
        method_cls = getattr(PaymentMethod, "".join(p.title() for p in method_type.split("_")))
        method = full_object(
            "payment_method",
            id=f"pm_fake{self._next()}",
            allow_redisplay="unspecified",
            billing_details=full_object(
                PaymentMethod.BillingDetails, address=None, email=None, name=None, phone=None
            ),
            created=int(time.time()),
            customer=customer,
            livemode=False,
            type=method_type,
            **{method_type: details.get(method_type) or full_object(method_cls)},
        )
        self.payment_methods[method["id"]] = method
        return method

    def _create_customer(self, params: dict) -> dict:
        customer = full_object(
            "customer",
            id=f"cus_fake{self._next()}",
            created=int(time.time()),
            email=params.get("email"),
            livemode=False,
            metadata=params.get("metadata", {}),
            name=params.get("name"),
        )
        self.customers[customer["id"]] = customer
        return customer

    def _next(self):
        return next(self._ids)


def subscription_price(*, product, unit_amount, price_id) -> dict:
    """A monthly yen price, as a subscription item carries it."""
    return full_object(
        "price",
        id=price_id,
        active=True,
        billing_scheme="per_unit",
        created=int(time.time()),
        currency="jpy",
        livemode=False,
        metadata={},
        product=product,
        recurring=full_object(
            Price.Recurring, interval="month", interval_count=1, usage_type="licensed"
        ),
        type="recurring",
        unit_amount=unit_amount,
    )


def subscription_items(subscription_id, *, amount, product="prod_fake_monthly") -> dict:
    """The one item of a monthly subscription (with its legacy `plan` twin), as a list."""
    now = int(time.time())
    price = subscription_price(product=product, unit_amount=amount, price_id="price_fake_first")
    plan = full_object(
        "plan",
        id=price["id"],
        active=True,
        amount=amount,
        billing_scheme="per_unit",
        created=now,
        currency="jpy",
        interval="month",
        interval_count=1,
        livemode=False,
        product=product,
        usage_type="licensed",
    )
    item = full_object(
        "subscription_item",
        id=f"si_{subscription_id}",
        created=now,
        current_period_start=now,
        current_period_end=now + 30 * 24 * 3600,
        discounts=[],
        metadata={},
        plan=plan,
        price=price,
        quantity=1,
        subscription=subscription_id,
    )
    return {"object": "list", "data": [item], "has_more": False, "url": "/v1/subscription_items"}


# --- the account's capabilities (manage.py stripe_setup) ------------------------------------

CAPABILITIES_ACTIVE = dict.fromkeys(
    ("card_payments", "paypay_payments", "konbini_payments", "jp_bank_transfer_payments"),
    "active",
)


def account_with(capabilities: dict) -> dict:
    """The account as `GET /v1/account` returns it, with these capabilities' statuses."""
    return full_object(
        "account",
        id="acct_fake_jii",
        business_type="non_profit",
        capabilities=full_object(Account.Capabilities, **capabilities),
        charges_enabled=True,
        country="JP",
        created=int(time.time()) - 86400,
        default_currency="jpy",
        details_submitted=True,
        email=None,
        payouts_enabled=True,
        type="standard",
    )


def portal_configuration(*, cancellation=True, **fields) -> dict:
    """The customer portal's default configuration, as a new account has it but with
    cancellation switched on (or off)."""
    features = PortalConfiguration.Features
    off = {"enabled": False}
    return full_object(
        "billing_portal.configuration",
        id=fields.pop("id", "bpc_fake_default"),
        active=True,
        business_profile=full_object(PortalConfiguration.BusinessProfile),
        created=int(time.time()) - 3600,
        features=full_object(
            features,
            customer_update=full_object(features.CustomerUpdate, allowed_updates=[], **off),
            invoice_history=full_object(features.InvoiceHistory, enabled=True),
            payment_method_update=full_object(features.PaymentMethodUpdate, enabled=True),
            subscription_cancel=full_object(
                features.SubscriptionCancel,
                cancellation_reason=full_object(
                    features.SubscriptionCancel.CancellationReason, enabled=False, options=[]
                ),
                enabled=cancellation,
                mode="at_period_end",
                proration_behavior="none",
            ),
            subscription_pause=full_object(
                features.SubscriptionPause,
                duration=full_object(
                    features.SubscriptionPause.Duration, interval_options=[], type="indefinite"
                ),
                **off,
            ),
            subscription_update=full_object(
                features.SubscriptionUpdate,
                default_allowed_updates=[],
                proration_behavior="none",
                schedule_at_period_end=None,
                trial_update_behavior="end_trial",
                **off,
            ),
        ),
        is_default=True,
        livemode=False,
        login_page=full_object(PortalConfiguration.LoginPage, **off),
        updated=int(time.time()) - 3600,
        **fields,
    )


def payment_method_configuration(*, off=(), **fields) -> dict:
    """The account's default payment method configuration: the methods this site offers are
    available (and Apple Pay, Google Pay) unless named in `off`."""
    cls = PaymentMethodConfiguration

    def method(name, nested):
        on = name not in off
        preference = full_object(
            nested.DisplayPreference,
            overridable=None,
            preference="on" if on else "off",
            value="on" if on else "off",
        )
        return full_object(nested, available=on, display_preference=preference)

    return full_object(
        "payment_method_configuration",
        id=fields.pop("id", "pmc_fake_default"),
        active=True,
        application=None,
        apple_pay=method("apple_pay", cls.ApplePay),
        card=method("card", cls.Card),
        customer_balance=method("customer_balance", cls.CustomerBalance),
        google_pay=method("google_pay", cls.GooglePay),
        is_default=True,
        konbini=method("konbini", cls.Konbini),
        livemode=False,
        name="Default",
        parent=None,
        paypay=method("paypay", cls.Paypay),
        **fields,
    )


class _Server(HTTPServer):
    def thread_target(self):
        # stop() waits for the serve loop's next poll: a short one keeps each test quick.
        self.server.serve_forever(poll_interval=0.02)


def fake_stripe_mode(settings):
    """Stripe mode against the fake API; the SDK client is rebuilt for its address. The
    `fake_stripe` fixture (tests/conftest.py) runs a test inside it."""
    server = _Server(host="127.0.0.1", port=0, threaded=True)
    server.start()
    settings.STRIPE_SECRET_KEY = "sk_test_x"
    settings.STRIPE_API_BASE = server.url_for("").rstrip("/")
    gateway._client.cache_clear()
    fake = FakeStripe(server)
    yield fake
    gateway._client.cache_clear()
    if server.is_running():
        server.stop()
    server.check_handler_errors()
    assert not fake.shape_errors, f"the fake answered with undeclared fields: {fake.shape_errors}"
    if not fake.refusals_expected:
        refused = [(c.method, c.path, c.refusal["error"]["message"]) for c in fake.refused]
        assert not refused, f"Stripe would refuse what the site sent: {refused}"


# --- the donor's side: forms as a browser submits them, e-mails as the worker sends them ------


class _Forms(HTMLParser):
    def __init__(self):
        super().__init__()
        self.forms: list[tuple[str, dict]] = []
        self._textarea = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append((attrs.get("action") or "", {}))
        elif tag == "button" and attrs.get("formaction") and self.forms:
            # A button that submits its form elsewhere (the language menu): the same fields.
            self.forms.append((attrs["formaction"], self.forms[-1][1]))
        elif not self.forms or "name" not in attrs:
            return
        elif tag == "input" and attrs.get("type") in ("radio", "checkbox"):
            if "checked" in attrs:
                self.forms[-1][1][attrs["name"]] = attrs.get("value", "on")
        elif tag == "input" and attrs.get("type") != "submit":
            self.forms[-1][1][attrs["name"]] = attrs.get("value") or ""
        elif tag == "textarea":
            self._textarea = attrs["name"]
            self.forms[-1][1][self._textarea] = ""

    def handle_data(self, data):
        if self._textarea:
            self.forms[-1][1][self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None


def form_fields(response, action: str) -> dict:
    """What a browser would submit from the page's form posting to `action`."""
    parser = _Forms()
    parser.feed(response.content.decode())
    for form_action, fields in parser.forms:
        if form_action == action:
            return fields
    raise AssertionError(f"no form posting to {action}; forms: {[a for a, _ in parser.forms]}")


def donation_form(campaign, **fields) -> dict:
    """A filled-in donation form: ¥3,000 once, unless told otherwise."""
    return {
        "campaign": campaign.slug,
        "frequency": "once",
        "tier": "3000",
        "other_amount": "",
        "donor_name": "山田 花子",
        "donor_email": "hanako@example.jp",
        "public_name": "anonymous",
        "nickname": "",
        "message": "",
        "agree_terms": "on",
        **fields,
    }


def confirm_and_pay(client, data: dict, prefix=""):
    """Submit the form, then the confirmation page exactly as the browser would (its one-time
    token and CSRF field included). Returns the /donate/pay/ response and the fields sent."""
    page = client.post(f"{prefix}/donate/confirm/", data)
    assert page.status_code == 200, page.content.decode()
    fields = form_fields(page, f"{prefix}/donate/pay/")
    return client.post(f"{prefix}/donate/pay/", fields), fields


def run_task_worker():
    """Run the e-mail task queue as `manage.py db_worker --batch` does, until nothing is due."""
    handlers = {
        sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)
    }
    try:
        call_command("db_worker", batch=True, startup_delay=False, verbosity=0)
    finally:
        for sig, handler in handlers.items():  # the worker installs its own
            signal.signal(sig, handler)


# --- the customer portal's flows (failed payments recovered) ------------------------------


def _portal_flow(flow_data: dict | None) -> dict | None:
    """The session's `flow`, as Stripe echoes the `flow_data` it was created with."""
    if not flow_data:
        return None
    after = flow_data.get("after_completion") or {"type": "portal_homepage"}
    return {
        "after_completion": {
            "type": after["type"],
            "hosted_confirmation": after.get("hosted_confirmation"),
            "redirect": after.get("redirect"),
        },
        "subscription_cancel": None,
        "subscription_update": None,
        "subscription_update_confirm": None,
        "type": flow_data["type"],
    }


def payment_error(code, *, decline_code=None, exp_month=12, exp_year=2030) -> dict:
    """A payment intent's `last_payment_error` after a declined card, with the card as Stripe
    embeds it (`payment_method.card.exp_month/exp_year`)."""
    return full_object(
        PaymentIntent.LastPaymentError,
        code=code,
        decline_code=decline_code,
        message="Your card was declined.",
        payment_method=card_payment_method(exp_month=exp_month, exp_year=exp_year),
        type="card_error",
    )


def card_payment_method(*, exp_month, exp_year, method_id=None) -> dict:
    """A card payment method as Stripe returns it, with its expiry."""
    card = full_object(
        PaymentMethod.Card,
        brand="visa",
        country="JP",
        exp_month=exp_month,
        exp_year=exp_year,
        funding="credit",
        last4="4242",
        regulated_status="unregulated",
    )
    return full_object(
        "payment_method",
        id=method_id or f"pm_fake_{exp_year}_{exp_month}",
        allow_redisplay="always",
        billing_details=full_object(
            PaymentMethod.BillingDetails, address=None, email=None, name=None, phone=None
        ),
        card=card,
        created=int(time.time()),
        customer=None,
        livemode=False,
        type="card",
    )
