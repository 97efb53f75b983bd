"""Pydantic v2 model source for a call's response structure, for the typed Python client.

Each object of a structure becomes a class, named after the call and the
field's path (``ListProductsDataItemPrice``); fields keep the user's choices:
excluded fields are left out, a type or format override wins over the
inferred one, optional fields default to None, nullable ones accept None.
Formats map to the types pydantic parses: ``date``, ``datetime``, ``UUID``,
``AnyUrl``, ``IPv4Address``, ``IPv6Address``, ``IPvAnyInterface`` (for CIDR
text: an interface keeps host bits as written, a network would refuse them).
Dates written another way than ISO 8601 are ``datetime`` too, through
annotated types the module defines (:data:`FORMAT_ALIASES`), which read the
value as written and write it back the same way when a model is dumped to
JSON: ``UnixTime`` (integer seconds), ``UnixTimeNumber`` (seconds with a
fraction), ``UnixTimeMs`` (integer milliseconds), ``Rfc2822DateTime``
(``Fri, 18 Oct 2019 17:02:00 +0000``).
A field whose name is not a Python identifier (or would shadow
a pydantic attribute) gets a safe name and an alias.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from designer.core.escaping import python_class_name, python_identifier, python_string, unique_name
from designer.core.structure import FieldOverride, Shape, TextFormat, ValueType, child_path

__all__ = ["FORMAT_ALIASES", "ModelWriter", "identifier", "pascal"]

_FORMAT_TYPES = {
    TextFormat.DATE: "date",
    TextFormat.DATE_TIME: "datetime",
    TextFormat.UUID: "UUID",
    TextFormat.URL: "AnyUrl",
    TextFormat.IMAGE_URL: "AnyUrl",
    TextFormat.IPV4: "IPv4Address",
    TextFormat.IPV6: "IPv6Address",
    TextFormat.CIDR: "IPvAnyInterface",
    TextFormat.DATE_TIME_RFC_2822: "Rfc2822DateTime",
}
_NUMBER_FORMAT_TYPES = {
    (ValueType.INTEGER, TextFormat.UNIX_TIME): "UnixTime",
    (ValueType.NUMBER, TextFormat.UNIX_TIME): "UnixTimeNumber",
    (ValueType.INTEGER, TextFormat.UNIX_TIME_MS): "UnixTimeMs",
    (ValueType.NUMBER, TextFormat.UNIX_TIME_MS): "UnixTimeMs",
}
#: The module source of each annotated date type: what it needs imported, and its code.
FORMAT_ALIASES: dict[str, tuple[frozenset[str], str]] = {
    "UnixTime": (
        frozenset({"datetime", "Annotated", "PlainSerializer"}),
        "def _to_unix_time(value: datetime) -> int:\n"
        "    return int(value.timestamp())\n\n\n"
        "#: Seconds since 1970 (UTC), read as a datetime and written back as seconds.\n"
        'UnixTime = Annotated[datetime, PlainSerializer(_to_unix_time, when_used="json")]',
    ),
    "UnixTimeNumber": (
        frozenset({"datetime", "Annotated", "PlainSerializer"}),
        "def _to_unix_time_number(value: datetime) -> float:\n"
        "    return value.timestamp()\n\n\n"
        "#: Seconds since 1970 (UTC) with a fraction, read as a datetime and written back so.\n"
        "UnixTimeNumber = Annotated[\n"
        '    datetime, PlainSerializer(_to_unix_time_number, when_used="json")\n'
        "]",
    ),
    "UnixTimeMs": (
        frozenset({"datetime", "Any", "Annotated", "BeforeValidator", "PlainSerializer"}),
        "def _from_unix_time_ms(value: Any) -> Any:\n"
        "    if isinstance(value, int | float) and not isinstance(value, bool):\n"
        "        return value / 1000\n"
        "    return value\n\n\n"
        "def _to_unix_time_ms(value: datetime) -> int:\n"
        "    return round(value.timestamp() * 1000)\n\n\n"
        "#: Milliseconds since 1970 (UTC), read as a datetime and written back as milliseconds.\n"
        "UnixTimeMs = Annotated[\n"
        "    datetime,\n"
        "    BeforeValidator(_from_unix_time_ms),\n"
        '    PlainSerializer(_to_unix_time_ms, when_used="json"),\n'
        "]",
    ),
    "Rfc2822DateTime": (
        frozenset({"datetime", "Any", "Annotated", "BeforeValidator", "PlainSerializer", "email"}),
        "def _from_rfc_2822(value: Any) -> Any:\n"
        "    if isinstance(value, str):\n"
        "        try:\n"
        "            return email.utils.parsedate_to_datetime(value)\n"
        "        except (TypeError, ValueError):\n"
        "            return value  # pydantic says what is wrong with it\n"
        "    return value\n\n\n"
        "def _to_rfc_2822(value: datetime) -> str:\n"
        "    return email.utils.format_datetime(value)\n\n\n"
        "#: A date as e-mail and HTTP write it (RFC 2822), read as a datetime, written back so.\n"
        "Rfc2822DateTime = Annotated[\n"
        "    datetime,\n"
        "    BeforeValidator(_from_rfc_2822),\n"
        '    PlainSerializer(_to_rfc_2822, when_used="json"),\n'
        "]",
    ),
}
_SCALARS = {
    ValueType.TEXT: "str",
    ValueType.INTEGER: "int",
    ValueType.NUMBER: "float",
    ValueType.BOOLEAN: "bool",
    # Only nulls were seen: the type of a real value is not known.
    ValueType.NULL: "Any",
    ValueType.UNKNOWN: "Any",
    ValueType.BINARY: "bytes",
}
#: Names a field must not take: BaseModel's own attributes, and the module's imports.
_RESERVED = frozenset(
    {"model_config", "model_fields", "copy", "dict", "json", "schema", "construct", "validate"}
    | {"date", "datetime", "UUID", "AnyUrl", "Any", "Field", "BaseModel", "ConfigDict"}
    | {"IPv4Address", "IPv6Address", "Annotated", "BeforeValidator", "PlainSerializer", "email"}
    | {"IPvAnyInterface"}
    | set(FORMAT_ALIASES)
)
#: Nor the built-in types of annotations: ``int: int = Field(alias="INT")`` cannot be built.
_TYPE_NAMES = frozenset({"int", "str", "float", "bool", "bytes", "list"})


def pascal(text: str) -> str:
    """``list products`` → ``ListProducts``; never empty, never starting with a digit."""
    return python_class_name(text)


def identifier(text: str) -> str:
    """A snake_case Python identifier for ``text``, never one of the module's own names."""
    return python_identifier(text, _RESERVED)


@dataclass(slots=True)
class ModelWriter:
    """Collects the classes of every call's structure, with names unique in the module."""

    classes: list[str] = field(default_factory=list)
    taken: set[str] = field(default_factory=set)
    uses: set[str] = field(default_factory=set)

    def unique(self, name: str) -> str:
        candidate = unique_name(name, self.taken)
        self.taken.add(candidate)
        return candidate

    def annotation(
        self, shape: Shape, overrides: dict[str, FieldOverride], path: str, name: str
    ) -> str:
        """The type of the value at ``path`` (writing the classes it needs), None excluded."""
        chosen = overrides.get(path)
        kind = chosen.type if chosen is not None and chosen.type is not None else shape.type
        fmt = chosen.format if chosen is not None and chosen.format is not None else shape.format
        if kind is ValueType.OBJECT and shape.fields:
            return self._model(shape, overrides, path, name)
        if kind is ValueType.OBJECT:
            self.uses.add("Any")
            return "dict[str, Any]"
        if kind is ValueType.LIST:
            if shape.items is None:
                self.uses.add("Any")
                return "list[Any]"
            inner = self.annotation(shape.items, overrides, child_path(path, None), name + "Item")
            if shape.items.nullable and inner != "Any":
                inner = f"{inner} | None"
            return f"list[{inner}]"
        if kind is ValueType.MIXED and shape.variants:
            options: list[str] = []
            for variant in shape.variants:
                text = self.annotation(variant, {}, path, name)
                if text not in options:
                    options.append(text)
            return " | ".join(options)
        if kind is ValueType.TEXT and fmt in _FORMAT_TYPES:
            self.uses.add(_FORMAT_TYPES[fmt])
            return _FORMAT_TYPES[fmt]
        if fmt is not None and (kind, fmt) in _NUMBER_FORMAT_TYPES:
            alias = _NUMBER_FORMAT_TYPES[(kind, fmt)]
            self.uses.add(alias)
            return alias
        text = _SCALARS.get(kind, "Any")
        if text == "Any":
            self.uses.add("Any")
        return text

    def _model(
        self, shape: Shape, overrides: dict[str, FieldOverride], path: str, name: str
    ) -> str:
        cls = self.unique(name)
        lines = [
            f"class {cls}(BaseModel):",
            "    model_config = ConfigDict(populate_by_name=True)",
            "",
        ]
        names: set[str] = set()
        for key, child in (shape.fields or {}).items():
            where = child_path(path, key)
            chosen = overrides.get(where)
            if chosen is not None and not chosen.include:
                continue
            attr = identifier(key)
            while attr in names or attr in _TYPE_NAMES:
                attr += "_"
            names.add(attr)
            text = self.annotation(child, overrides, where, name + pascal(key))
            if (child.nullable or child.optional) and not text.endswith("None") and text != "Any":
                text += " | None"
            options = []
            if attr != key:
                options.append(f"alias={python_string(key)}")
            if chosen is not None and chosen.label:
                options.append(f"description={python_string(chosen.label)}")
            default = "None" if child.optional else "..."
            if options:
                lines.append(f"    {attr}: {text} = Field(")
                lines += [f"        {item}," for item in [default, *options]]
                lines.append("    )")
                self.uses.add("Field")
            elif child.optional:
                lines.append(f"    {attr}: {text} = None")
            else:
                lines.append(f"    {attr}: {text}")
        self.classes.append("\n".join(lines))
        return cls
