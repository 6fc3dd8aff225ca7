"""What the stripe SDK declares an object of its pinned API version to hold: the annotated
attributes of its resource classes (`stripe/_invoice.py`, `checkout/_session.py`...) and their
nested classes, read once by `declared()` with `typing.get_type_hints`.

Two uses, one reading:
- `full_object()` builds an object the way the API returns it, for the fake Stripe's answers:
  every declared field present, null where the class allows it and nothing was given, and a loud
  error for a field the class does not declare or a non-null one left out; `undeclared()` lists
  the keys of any object, at any depth, that its class does not declare.
- `partial_object()` builds the objects of the tests' webhook events, holding only the fields
  given: refused with a field this version does not have or a value of the wrong kind
  (`problems()`), so that the test that builds it fails instead of passing against a handler
  that would miss it in production.
"""

import ast
import collections
import functools
import importlib
import inspect
import sys
import types
import typing

import stripe
from stripe._list_object import ListObject
from stripe._object_classes import OBJECT_CLASSES
from stripe._stripe_object import StripeObject, UntypedStripeObject


def resource_class(object_type: str) -> type[StripeObject]:
    """The SDK's class for an object's `object` value ("invoice", "checkout.session", "list")."""
    if object_type == "list":
        return ListObject
    module, name = OBJECT_CLASSES[object_type]
    return getattr(importlib.import_module(module), name)


@functools.cache
def declared(cls: type) -> dict:
    """The attributes an SDK class declares, with their types: public, not class constants."""
    # Each class in the MRO annotates with the names of its own module.
    sdk_bases = [base for base in cls.__mro__ if base.__module__.startswith("stripe")]
    names = collections.ChainMap(*(_names_for(base) for base in sdk_bases))
    hints = typing.get_type_hints(cls, globalns=dict(names))
    found = {
        name: hint
        for name, hint in hints.items()
        if not name.startswith("_") and typing.get_origin(hint) is not typing.ClassVar
    }
    if cls is ListObject:
        found["object"] = typing.Literal["list"]
    return found


# --- full objects: the fake Stripe's answers ------------------------------------------------


def _is_optional(annotation) -> bool:
    return type(None) in typing.get_args(annotation)


def full_object(object_type_or_class, **values) -> dict:
    """An object as the API returns it; nested objects are built with
    `full_object(Class.Nested, ...)`. `object_type_or_class` is the API's name
    ("checkout.session") or a nested class."""
    cls = object_type_or_class
    if isinstance(cls, str):
        cls = resource_class(cls)
        values["object"] = object_type_or_class
    fields = declared(cls)
    extra = sorted(set(values) - set(fields))
    assert not extra, f"{cls.__qualname__} declares no {extra}"
    missing = sorted(k for k, a in fields.items() if k not in values and not _is_optional(a))
    assert not missing, f"{cls.__qualname__} always has {missing}: give them"
    return {name: values.get(name) for name in fields}


def undeclared(obj, annotation=None, path="") -> list[str]:
    """Every key in `obj` (and in the objects inside it) that its class does not declare."""
    if annotation is None:
        if not isinstance(obj, dict):
            return []
        object_type = obj.get("object")
        try:
            annotation = resource_class(object_type)
        except (KeyError, TypeError):
            return [f"{path or '.'} (object {object_type!r} is no Stripe object type)"]
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin in (typing.Union, types.UnionType):
        if isinstance(obj, dict):
            objects = [arg for arg in args if _is_object_type(arg)]
            named = [
                arg for arg in objects if getattr(arg, "OBJECT_NAME", None) == obj.get("object")
            ]
            return undeclared(obj, (named or objects)[0], path) if objects else []
        if isinstance(obj, list):
            lists = [arg for arg in args if typing.get_origin(arg) is list]
            return undeclared(obj, lists[0], path) if lists else []
        return []
    if origin is list and isinstance(obj, list):
        return [
            bad for i, item in enumerate(obj) for bad in undeclared(item, args[0], f"{path}[{i}]")
        ]
    if origin is ListObject or annotation is ListObject:
        item_type = args[0] if args else None
        found = _undeclared_keys(obj, ListObject, path)
        for i, item in enumerate(obj.get("data", [])):
            found += undeclared(item, item_type, f"{path}.data[{i}]")
        return found
    if origin is UntypedStripeObject or annotation is UntypedStripeObject:
        return []  # metadata and other free-form hashes
    if (
        isinstance(annotation, type)
        and issubclass(annotation, StripeObject)
        and declared(annotation)
    ):
        found = _undeclared_keys(obj, annotation, path)
        fields = declared(annotation)
        for key, value in obj.items():
            if key in fields and isinstance(value, (dict, list)):
                found += undeclared(value, fields[key], f"{path}.{key}")
        return found
    return []  # scalars


def _is_object_type(annotation) -> bool:
    origin = typing.get_origin(annotation) or annotation
    return isinstance(origin, type) and issubclass(origin, StripeObject)


def _undeclared_keys(obj, cls, path) -> list[str]:
    if not isinstance(obj, dict):
        return []
    return [f"{path}.{key}" for key in obj if key not in declared(cls)]


# --- partial objects: the tests' webhook events ---------------------------------------------


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


def partial_object(cls: type[StripeObject], fields: dict) -> dict:
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
