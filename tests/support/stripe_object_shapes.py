"""The shape of the objects Stripe answers with, read from the pinned SDK's resource classes
(`stripe/checkout/_session.py`'s annotated attributes and their nested classes).

`shaped()` builds an object the way the API returns it: every declared field present, null where
the class allows it and nothing was given, and a loud error for a field the class does not
declare or a non-null one left out. `undeclared()` lists the keys of any object, at any depth,
that its class does not declare.
"""

import functools
import sys
import types
import typing

from stripe._list_object import ListObject
from stripe._object_classes import OBJECT_CLASSES, get_object_class
from stripe._stripe_object import StripeObject

_ANY_OBJECT = object()  # a type named only under TYPE_CHECKING: read its class off "object"


def resource_class(object_type: str) -> type:
    if object_type == "list":
        return ListObject
    if object_type not in OBJECT_CLASSES:
        raise KeyError(object_type)
    return get_object_class("V1", object_type)


@functools.cache
def fields(cls: type) -> dict:
    """The fields a resource class (or one of its nested classes) declares, resolved."""
    module = vars(sys.modules[cls.__module__])
    declared = {}
    for base in reversed(cls.__mro__):
        for name, annotation in vars(base).get("__annotations__", {}).items():
            if not name.startswith("_") and typing.get_origin(annotation) is not typing.ClassVar:
                declared[name] = _resolve(annotation, module, cls)
    if cls is ListObject:
        declared["object"] = typing.Literal["list"]
    return declared


def _resolve(annotation, module, cls):
    if isinstance(annotation, str):
        annotation = typing.ForwardRef(annotation)
    if isinstance(annotation, typing.ForwardRef):
        try:
            return eval(annotation.__forward_arg__, module, vars(cls))
        except NameError:
            return _ANY_OBJECT
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin in (typing.Union, types.UnionType):
        return typing.Union[tuple(_resolve(arg, module, cls) for arg in args)]  # noqa: UP007
    if origin is not None and args and not isinstance(annotation, types.GenericAlias):
        if origin is typing.Literal:
            return annotation
        return origin[tuple(_resolve(arg, module, cls) for arg in args)]
    return annotation


def _is_optional(annotation) -> bool:
    return type(None) in typing.get_args(annotation)


def shaped(object_type_or_class, **values) -> dict:
    """An object as the API returns it; nested objects are built with `shaped(Class.Nested, ...)`.
    `object_type_or_class` is the API's name ("checkout.session") or a nested class."""
    cls = object_type_or_class
    if isinstance(cls, str):
        cls = resource_class(cls)
        values["object"] = object_type_or_class
    declared = fields(cls)
    extra = sorted(set(values) - set(declared))
    assert not extra, f"{cls.__qualname__} declares no {extra}"
    missing = sorted(k for k, a in declared.items() if k not in values and not _is_optional(a))
    assert not missing, f"{cls.__qualname__} always has {missing}: give them"
    return {name: values.get(name) for name in declared}


def undeclared(obj, annotation=None, path="") -> list[str]:
    """Every key in `obj` (and in the objects inside it) that its class does not declare."""
    if annotation is None or annotation is _ANY_OBJECT:
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
            return undeclared(obj, objects[0], path) if objects else []
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
    if isinstance(annotation, type) and issubclass(annotation, StripeObject) and fields(annotation):
        found = _undeclared_keys(obj, annotation, path)
        declared = fields(annotation)
        for key, value in obj.items():
            if key in declared and isinstance(value, (dict, list)):
                found += undeclared(value, declared[key], f"{path}.{key}")
        return found
    return []  # metadata, scalars, free-form hashes


def _is_object_type(annotation) -> bool:
    origin = typing.get_origin(annotation) or annotation
    return annotation is _ANY_OBJECT or (
        isinstance(origin, type) and issubclass(origin, StripeObject)
    )


def _undeclared_keys(obj, cls, path) -> list[str]:
    if not isinstance(obj, dict):
        return []
    return [f"{path}.{key}" for key in obj if key not in fields(cls)]
