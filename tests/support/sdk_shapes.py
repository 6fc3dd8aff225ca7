"""What the stripe SDK declares an object of its pinned API version to hold: the annotated
attributes of its resource classes (`stripe/_invoice.py`, `checkout/_session.py`...), read with
`typing.get_type_hints`. The tests' Stripe objects and events are built against them, so that a
field Stripe does not send in this version (or a value of the wrong kind) fails the test that
builds it, instead of passing against a handler that would miss it in production."""

import ast
import collections
import functools
import importlib
import inspect
import sys
import types
import typing
from importlib import import_module

import stripe
from stripe._list_object import ListObject
from stripe._object_classes import OBJECT_CLASSES
from stripe._stripe_object import StripeObject, UntypedStripeObject


def resource_class(object_name: str) -> type[StripeObject]:
    """The SDK's class for an object's `object` value ("invoice", "checkout.session")."""
    module, name = OBJECT_CLASSES[object_name]
    return getattr(import_module(module), name)


@functools.cache
def declared(cls: type) -> dict:
    """The attributes an SDK class declares, with their types: public, not class constants."""
    hints = typing.get_type_hints(cls, globalns=dict(_names_for(cls)))
    return {
        name: hint
        for name, hint in hints.items()
        if not name.startswith("_") and typing.get_origin(hint) is not typing.ClassVar
    }


def problems(value, hint=None, path="") -> list[str]:
    """Where `value` is not what the SDK declares `hint` to be; for a dict without a hint, its
    `object` names the class. Nested objects are checked as deep as the SDK types them."""
    if hint is None:
        hint, path = resource_class(value["object"]), path or value["object"]
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if hint is typing.Any:
        return []
    if origin in (typing.Union, types.UnionType):
        found = [problems(value, arg, path) for arg in args]
        return [] if any(not each for each in found) else min(found, key=len)
    if hint is type(None):
        return [] if value is None else [f"{path}: {value!r} where the SDK has null"]
    if origin is typing.Literal:
        return [] if value in args else [f"{path}: {value!r} is not a value the SDK lists"]
    if hint in (str, int, bool, float):
        return _scalar(value, hint, path)
    if origin is list:
        if not isinstance(value, list):
            return [f"{path}: not a list"]
        return [p for n, item in enumerate(value) for p in problems(item, args[0], f"{path}[{n}]")]
    if origin is dict:
        if not isinstance(value, dict):
            return [f"{path}: not an object"]
        return [p for key, item in value.items() for p in problems(item, args[1], f"{path}.{key}")]
    cls = origin or hint
    if inspect.isclass(cls) and issubclass(cls, StripeObject):
        if not isinstance(value, dict):
            return [f"{path}: {value!r} where the SDK has a {cls.__name__} object"]
        if cls is UntypedStripeObject:
            return [
                p for key, item in value.items() for p in problems(item, args[0], f"{path}.{key}")
            ]
        if cls is ListObject:
            return _list_object(value, args[0], path)
        return _object(value, cls, path)
    return [f"{path}: the SDK's {hint!r} is not understood here"]


def _scalar(value, hint, path):
    if hint is float and isinstance(value, int) and not isinstance(value, bool):
        return []
    if isinstance(value, hint) and not (hint is int and isinstance(value, bool)):
        return []
    return [f"{path}: {value!r} where the SDK has {hint.__name__}"]


def _object(value: dict, cls, path):
    fields, found = declared(cls), []
    for name, item in value.items():
        if name in fields:
            found += problems(item, fields[name], f"{path}.{name}")
        else:
            found.append(f"{path}.{name}: not an attribute of {cls.__qualname__}")
    return found


def _list_object(value: dict, item_hint, path):
    found = [f"{path}.{name}: not part of a list" for name in value if name not in LIST_FIELDS]
    if value.get("object") != "list":
        found.append(f"{path}.object: a list's is 'list'")
    for n, item in enumerate(value.get("data", [])):
        found += problems(item, item_hint, f"{path}.data[{n}]")
    return found


LIST_FIELDS = {"object", "data", "has_more", "url"}


def shaped(cls: type[StripeObject], fields: dict) -> dict:
    """An object of the SDK's class `cls` holding `fields` (its `object` filled in): refused
    with the fields the SDK does not declare, or whose values it types otherwise."""
    obj = {"object": cls.OBJECT_NAME, **fields} if hasattr(cls, "OBJECT_NAME") else dict(fields)
    found = problems(obj, cls, cls.__name__)
    assert not found, "\n".join(found)
    return obj


def event_problems(evt: dict) -> list[str]:
    """An event envelope checked against `stripe.Event`, and its data.object against the class
    its `object` names."""
    found = problems(evt, stripe.Event, "event")
    obj = evt.get("data", {}).get("object")
    if isinstance(obj, dict) and obj.get("object") in OBJECT_CLASSES:
        found += problems(obj, None, "event.data.object")
    else:
        found.append("event.data.object: no object the SDK knows")
    return found


# --- resolving the SDK's annotations -------------------------------------------------------


def _names_for(cls) -> collections.ChainMap:
    """The names an SDK class's annotations use: its own nested classes, those of the classes
    around it, its module's, and the names the module imports only for type checkers."""
    module = sys.modules[cls.__module__]
    scopes, outer = [vars(cls)], module
    for part in cls.__qualname__.split(".")[:-1]:
        outer = getattr(outer, part)
        scopes.append(vars(outer))
    return collections.ChainMap(*scopes, _type_checking_names(cls.__module__))


@functools.cache
def _type_checking_names(module_name: str) -> dict:
    module = sys.modules[module_name]
    names = dict(vars(module))
    for node in ast.walk(ast.parse(inspect.getsource(module))):
        if isinstance(node, ast.If) and getattr(node.test, "id", None) == "TYPE_CHECKING":
            for statement in node.body:
                if isinstance(statement, ast.ImportFrom) and statement.module:
                    source = importlib.import_module(statement.module)
                    for alias in statement.names:
                        names[alias.asname or alias.name] = getattr(source, alias.name)
    return names
