"""What Stripe accepts, read from the pinned SDK's own generated request types.

Each `client.v1.*` service method names the path it calls and the TypedDict of its parameters
(`stripe/params/**`: `NotRequired[...]`, `Literal[...]`, nested TypedDicts). `refusal()` checks a
request against them the way the API does and returns Stripe's 400 error body, or None.
"""

import ast
import decimal
import functools
import importlib
import pathlib
import re
import sys
import types
import typing
from dataclasses import dataclass

import stripe
import typing_extensions
from stripe._request_options import RequestOptions
from stripe._stripe_object import UntypedStripeObject

API_VERSION = stripe.api_version  # the version this SDK release is pinned to
DOC_URL = "https://stripe.com/docs/error-codes/"


@dataclass(frozen=True)
class Route:
    method: str  # "GET", "POST", "DELETE"
    template: str  # "/v1/webhook_endpoints/{webhook_endpoint}"
    params_module: str
    params_name: str  # the TypedDict the SDK types this call's parameters with

    @property
    def params_class(self) -> type:
        return getattr(importlib.import_module(self.params_module), self.params_name)

    def matches(self, method: str, path: str) -> bool:
        wanted, given = self.template.split("/"), path.split("/")
        return (
            method == self.method
            and len(wanted) == len(given)
            and all(w == g or (w.startswith("{") and g) for w, g in zip(wanted, given, strict=True))
        )

    @property
    def literal_segments(self) -> int:
        return sum(not part.startswith("{") for part in self.template.split("/"))


@functools.cache
def routes() -> tuple[Route, ...]:
    """Every v1 call the SDK's services make, read from their source."""
    root = pathlib.Path(stripe.__file__).parent
    found = []
    for source in sorted(root.rglob("_*_service.py")):
        if "v2" not in source.relative_to(root).parts:
            found += _routes_in(ast.parse(source.read_text(encoding="utf-8")))
    return tuple(found)


def _routes_in(tree: ast.Module) -> list[Route]:
    imported = {
        alias.name: node.module
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("stripe.params")
        for alias in node.names
    }
    found = []
    for function in ast.walk(tree):
        if not isinstance(function, ast.FunctionDef):  # the async twins call the same paths
            continue
        params = next((a for a in function.args.args if a.arg == "params"), None)
        call = next((c for c in ast.walk(function) if _is_request(c)), None)
        if params is None or call is None:
            continue
        name = _params_class_name(params.annotation)
        path = call.args[1]
        if isinstance(path, ast.Call):  # "/v1/x/{id}".format(id=...)
            path = path.func.value
        if name in imported and isinstance(path, ast.Constant) and path.value.startswith("/v1/"):
            found.append(Route(call.args[0].value.upper(), path.value, imported[name], name))
    return found


def _is_request(node) -> bool:
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "_request"
        and len(node.args) >= 2
        and isinstance(node.args[0], ast.Constant)
    )


def _params_class_name(annotation) -> str | None:
    # Optional["SessionCreateParams"] or "SessionCreateParams"
    if isinstance(annotation, ast.Subscript):
        annotation = annotation.slice
    return annotation.value if isinstance(annotation, ast.Constant) else None


def route_for(method: str, path: str) -> Route | None:
    """The SDK call a request stands for; a literal segment beats an id (`/search`)."""
    candidates = [route for route in routes() if route.matches(method, path)]
    return max(candidates, key=lambda route: route.literal_segments, default=None)


# --- checking a request ---------------------------------------------------------------------


class Refused(Exception):
    def __init__(self, param, message, code=None):
        super().__init__(message)
        self.param, self.message, self.code = param, message, code

    def body(self) -> dict:
        error = {"type": "invalid_request_error", "message": self.message, "param": self.param}
        if self.code:
            error.update(code=self.code, doc_url=DOC_URL + self.code.replace("_", "-"))
        return {"error": error}


def refusal(route: Route, params: dict, stripe_version: str | None) -> dict | None:
    """Stripe's 400 body for a request it would refuse; None when it would accept it.
    `params` is the request decoded into objects and lists (fake_stripe.nest)."""
    try:
        if stripe_version != API_VERSION:
            raise Refused(
                None,
                f"This test Stripe speaks API version {API_VERSION} only (the SDK's pinned "
                f"version); the request asked for {stripe_version or 'none'}.",
            )
        _check_object(route.params_class, params, "", own_keys=_request_keys)
    except Refused as refused:
        return refused.body()
    return None


def _request_keys(cls) -> dict:
    # SDK options (api_key, idempotency_key, ...) travel as headers, never as parameters.
    return {k: v for k, v in _declared(cls).items() if k not in RequestOptions.__annotations__}


def _declared(cls) -> dict:
    return dict(cls.__annotations__)


def _check_object(cls, value, param, own_keys=_declared):
    if not isinstance(value, dict):
        raise Refused(param, f"Invalid object: {param} must be a hash of parameters.")
    declared = own_keys(cls)
    unknown = [key for key in value if key not in declared]
    if unknown:
        names = [_child(param, key) for key in unknown]
        plural = "s" if len(names) > 1 else ""
        raise Refused(
            names[0], f"Received unknown parameter{plural}: {', '.join(names)}", "parameter_unknown"
        )
    for key in sorted(cls.__required_keys__ & declared.keys()):
        if key not in value:
            name = _child(param, key)
            raise Refused(name, f"Missing required param: {name}.", "parameter_missing")
    module = vars(sys.modules[cls.__module__])
    for key, item in value.items():
        _check(_resolve(declared[key], module), item, _child(param, key), module)


def _child(param, key):
    return f"{param}[{key}]" if param else key


def _resolve(annotation, module):
    if isinstance(annotation, typing.ForwardRef):
        annotation = annotation.__forward_arg__
    if isinstance(annotation, str):
        annotation = eval(annotation, module)  # the SDK's own annotation text
    return annotation


def _check(annotation, value, param, module):
    annotation = _resolve(annotation, module)
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin in (typing.NotRequired, typing.Required):
        return _check(args[0], value, param, module)
    if origin in (typing.Union, types.UnionType):
        return _check_union([_resolve(arg, module) for arg in args], value, param, module)
    if value == "" and not _accepts_empty(annotation):
        raise Refused(
            param,
            f"You passed an empty string for '{param}'. We assume empty values are an attempt to "
            f"unset a parameter; however '{param}' cannot be unset. You should remove '{param}' "
            "from your request or supply a non-empty value.",
            "parameter_invalid_empty",
        )
    if origin is typing.Literal:
        if value not in [str(v).lower() if isinstance(v, bool) else str(v) for v in args]:
            choices = ", ".join(str(v) for v in args)
            raise Refused(param, f"Invalid {param}: must be one of {choices}")
        return None
    if origin is list:
        if not isinstance(value, list):
            raise Refused(param, f"Invalid array: {param} must be an array.")
        for index, item in enumerate(value):
            _check(args[0], item, f"{param}[{index}]", module)
        return None
    if origin is dict or annotation is UntypedStripeObject or (origin is UntypedStripeObject):
        if not isinstance(value, dict):
            raise Refused(param, f"Invalid object: {param} must be a hash.")
        for key, item in value.items():
            if item != "":  # unsets that key
                _check(args[-1] if args else typing.Any, item, f"{param}[{key}]", module)
        return None
    if typing_extensions.is_typeddict(annotation):
        return _check_object(annotation, value, param)
    return _check_scalar(annotation, value, param)


def _accepts_empty(annotation) -> bool:
    return annotation is typing.Any or annotation == typing.Literal[""]


def _check_union(options, value, param, module):
    # The SDK widens each enum with `|str` so that new values do not break type checks; the API
    # still takes only the listed values. `Literal[""]|str` (unset, or any text) stays open.
    literals = [
        o for o in options if typing.get_origin(o) is typing.Literal and o != typing.Literal[""]
    ]
    if literals:
        options = [o for o in options if o is not str]
    if value == "" and typing.Literal[""] in options:
        return None
    first_refusal = None
    for option in options:
        try:
            _check(option, value, param, module)
        except Refused as refused:
            first_refusal = first_refusal or refused
        else:
            return None
    raise first_refusal


_INTEGER = re.compile(r"-?\d+")


def _check_scalar(annotation, value, param):
    if isinstance(value, (dict, list)) and annotation is not typing.Any:
        raise Refused(param, f"Invalid {_kind(annotation)}: {param} must be a single value.")
    if annotation is int and not _INTEGER.fullmatch(value):
        raise Refused(param, f"Invalid integer: {value}", "parameter_invalid_integer")
    if annotation is bool and value not in ("true", "false"):
        raise Refused(param, f"Invalid boolean: {value}")
    if annotation in (float, decimal.Decimal):
        try:
            decimal.Decimal(value)
        except decimal.InvalidOperation:
            raise Refused(param, f"Invalid decimal: {value}") from None


def _kind(annotation) -> str:
    return {int: "integer", bool: "boolean", str: "string"}.get(annotation, "value")
