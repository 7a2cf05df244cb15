"""Readings: the places where the sources leave open how the model should work, each a named
set of variants over the parameter schema, with the source's own words and why the presets use
the default.

A reading is data, like a parameter: its variants are dotted-key overrides, checked against
:data:`cio_sim.params.SCHEMA`. ``cio-sim readings`` lists them; ``cio-sim compare --readings``
runs a comparison under each variant (:mod:`cio_sim.robustness`). This module imports nothing
of the model but the schema.

    >>> from cio_sim.readings import lookup
    >>> lookup("override_scope").variants["adr_themes"]
    mappingproxy({'regime.override_scope': 'adr_themes'})
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from .params import InvalidValue
from .params import lookup as lookup_param

__all__ = ["READINGS", "Reading", "ReadingError", "assignments", "check", "lookup",
           "names", "overrides", "select", "tag"]

#: How a reading cites its source: a source shorthand and a line (``ADR:L3507``, ``N26:L15``).
SOURCE = re.compile(r"^(ADR|B21|RK|N26|BLOG):L\d+")
#: A reading's and a variant's name: lower case, digits and underscores.
NAME = re.compile(r"^[a-z][a-z0-9_]*$")


class ReadingError(ValueError):
    """An unknown reading or variant, or a registry entry that does not fit the schema; the
    message is one line."""


def _frozen(variants: Mapping[str, Mapping[str, Any]]) -> Mapping[str, Mapping[str, Any]]:
    return MappingProxyType({v: MappingProxyType(dict(o)) for v, o in variants.items()})


@dataclass(frozen=True)
class Reading:
    """One question the sources leave open, answered by named variants.

    name: short identifier (``override_scope``); title: one English line saying what is open;
    variants: variant name -> dotted-key overrides; default: the variant the presets use
    (its values are the schema defaults); source: where the sources speak (``ADR:L3507``);
    quote: the source's own (Dutch) words; reason: one line, why the default;
    applies_when: dotted key -> the values under which the reading matters (empty: in every
    scenario); a scenario outside them runs the same under every variant (e.g. the override
    scope under consensus, where nobody overrides), so a comparison runs it once.
    """

    name: str
    title: str
    variants: Mapping[str, Mapping[str, Any]] = field(hash=False)
    default: str
    source: str
    quote: str
    reason: str
    applies_when: Mapping[str, tuple[Any, ...]] = field(default_factory=dict, hash=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "variants", _frozen(self.variants))
        object.__setattr__(self, "applies_when", MappingProxyType(
            {k: tuple(v) for k, v in self.applies_when.items()}))

    def applies(self, values: Mapping[str, Any]) -> str | None:
        """None when the reading matters for a scenario's resolved values, else why not
        (one phrase: ``regime.decision_rule = 'consensus'; matters only under ...``)."""
        for key, allowed in self.applies_when.items():
            node: Any = values
            for part in key.split("."):
                node = node.get(part) if isinstance(node, Mapping) else None
            if node not in allowed:
                return (f"{key} = {node!r}; matters only under "
                        + " or ".join(repr(a) for a in allowed))
        return None

    def condition(self) -> str:
        """Where the reading matters, in words: ``every scenario`` or ``regime.x in a, b``."""
        if not self.applies_when:
            return "every scenario"
        return "; ".join(f"{k} = " + " or ".join(repr(a) for a in allowed)
                         for k, allowed in self.applies_when.items())

    @property
    def keys(self) -> tuple[str, ...]:
        """The dotted keys the variants set, in order of first appearance."""
        return tuple(dict.fromkeys(k for o in self.variants.values() for k in o))

    @property
    def others(self) -> tuple[str, ...]:
        """The variants other than the default, in order."""
        return tuple(v for v in self.variants if v != self.default)

    def variant(self, name: str) -> Mapping[str, Any]:
        """The overrides of a variant, or a :class:`ReadingError` naming the allowed ones."""
        if name not in self.variants:
            raise ReadingError(f"reading {self.name!r}: no variant {name!r}; allowed: "
                               + ", ".join(self.variants))
        return self.variants[name]

    def problems(self) -> list[str]:
        """What is wrong with this entry (empty when it fits the schema), one line each."""
        out: list[str] = []
        where = f"reading {self.name!r}"
        if not NAME.match(self.name):
            out.append(f"{where}: the name must be lower case letters, digits and '_'")
        for text, what in ((self.title, "title"), (self.quote, "quote"),
                           (self.reason, "reason")):
            if not isinstance(text, str) or not text.strip():
                out.append(f"{where}: {what} is empty")
        if not SOURCE.match(self.source):
            out.append(f"{where}: source {self.source!r} is not a source line like ADR:L3507")
        if len(self.variants) < 2:
            out.append(f"{where}: needs at least two variants")
        if self.default not in self.variants:
            out.append(f"{where}: default {self.default!r} is not a variant")
        for variant, over in self.variants.items():
            if not NAME.match(variant):
                out.append(f"{where}: variant name {variant!r} must be lower case letters, "
                           "digits and '_'")
            for key, value in over.items():
                spec = lookup_param(key)
                if spec is None:
                    out.append(f"{where}, variant {variant!r}: {key} is not a parameter")
                    continue
                try:
                    spec.coerce(value)
                except InvalidValue as exc:
                    out.append(f"{where}, variant {variant!r}: {key}: {exc}")
            missing = [k for k in self.keys if k not in over]
            if missing:
                out.append(f"{where}, variant {variant!r}: sets no value for "
                           f"{', '.join(missing)} (every variant sets every key of the "
                           "reading)")
        if self.default in self.variants:
            for key, value in self.variants[self.default].items():
                spec = lookup_param(key)
                if spec is not None and value != spec.default:
                    out.append(f"{where}: default variant sets {key} = {value!r}, the schema "
                               f"default is {spec.default!r} (the presets use the default)")
        for key, allowed in self.applies_when.items():
            spec = lookup_param(key)
            if spec is None:
                out.append(f"{where}: applies_when names {key}, which is not a parameter")
                continue
            for value in allowed:
                try:
                    spec.coerce(value)
                except InvalidValue as exc:
                    out.append(f"{where}: applies_when {key}: {exc}")
        seen: dict[tuple, str] = {}
        for variant, over in self.variants.items():
            values = tuple(sorted(over.items(), key=lambda kv: kv[0]))
            if values in seen:
                out.append(f"{where}: variants {seen[values]!r} and {variant!r} are the same")
            seen.setdefault(values, variant)
        return out


READINGS: tuple[Reading, ...] = (
    Reading(
        name="override_scope",
        title="On which topics CIO Rijk (or the Minister) may decide when consensus fails",
        variants={"all": {"regime.override_scope": "all"},
                  "adr_themes": {"regime.override_scope": "adr_themes"}},
        default="all",
        source="ADR:L3507",
        quote="de kaderstellende rol van BZK verstevigd zal worden \"door daadkrachtiger "
              "besluiten te nemen in het kader van veiligheid, interoperabiliteit en "
              "efficiency. Bij voorkeur op basis van consensus binnen het CIO-stelsel en "
              "wanneer dat niet mogelijk is kan de Minister van BZK [...] een besluit nemen.\"",
        reason="the Besluit's rule (N26:L15) names no topics; the three themes are from a 2024 "
               "letter on decisive action, not a limit on the mandate",
        applies_when={"regime.decision_rule": ("doorzettingsmacht", "minister_bzk")},
    ),
    Reading(
        name="escalation_advice",
        title="Whether an item on which the CIO-beraad's consensus fails goes to the ICBR "
              "when it falls outside digitalisation (the ADR's advice) or stalls (the "
              "practice); F/O items go to the ICBR under both",
        variants={"financial_org": {"regime.escalation": "financial_org"},
                  "outside_digitalisation": {"regime.escalation": "outside_digitalisation"}},
        default="financial_org",
        source="ADR:L579",
        quote="Escaleer pas naar het ICBR-niveau, wanneer de onderwerpen buiten het gebied van "
              "digitalisering vallen.",
        reason="the practice the ADR found (F/O items to the ICBR, ADR:L3423, L994; no "
               "escalation of failed items); L579 is advice for cases where consensus "
               "fails, not the rule in force",
    ),
    Reading(
        name="advisory_voice",
        title="Whether the uitvoeringsorganisaties' CIOs, formally advisers only, count in "
              "the consensus",
        variants={"counted": {"regime.advisory_members": True},
                  "advice_only": {"regime.advisory_members": False}},
        default="counted",
        source="ADR:L968",
        quote="CIO's van deelnemende uitvoeringsorganisaties hebben alleen adviesrecht, en geen "
              "stemrecht. Echter, in de praktijk worden besluiten in het CIO-beraad genomen op "
              "basis van consensus van alle leden. Hierbij wordt de stem van de CIO's van de "
              "uitvoeringsorganisaties wel meegenomen.",
        reason="the ADR describes the practice (their voice is taken along, ADR:L970); the "
               "formal rule is the alternative",
    ),
    Reading(
        name="reserve_settlement",
        title="How an item is settled when delegates reserve their department's position",
        variants={"written_procedure": {"cio_beraad.reserve_settlement": "written_procedure"},
                  "next_round": {"cio_beraad.reserve_settlement": "next_round"}},
        default="written_procedure",
        source="ADR:L966",
        quote="We merken in dit verband op dat niet altijd de CIO zelf deelneemt aan de "
              "vergaderingen, maar ook een afvaardiging kan sturen.",
        reason="the sources say delegates attend but not how their reserve is settled; a "
               "written round is the common practice",
    ),
    Reading(
        name="agenda_order",
        title="How CIO Rijk fills the CIO-beraad's agenda: urgent items first, or first come",
        variants={"urgency": {"cio_beraad.prioritisation": "urgency"},
                  "fifo": {"cio_beraad.prioritisation": "fifo"}},
        default="urgency",
        source="ADR:L2237",
        quote="De agenda wordt nu gedomineerd door incidenten en toezeggingen aan de Kamer.",
        reason="the sources give no agenda policy; urgent first reproduces the agenda the "
               "ADR describes",
    ),
    Reading(
        name="q3_working_group",
        title="Keuzematrix q3: whether a working group's agreement is the decision, reported "
              "to the CIO-beraad, or goes back to the full CIO-beraad to be confirmed",
        variants={"inform": {"keuzematrix.q3_outcome": "inform"},
                  "confirm": {"keuzematrix.q3_outcome": "confirm"}},
        default="inform",
        source="ADR:L607",
        quote="Maak wergroepen en koppel regelmatig de inhoudelijke voortgang terug in het "
              "CIO Beraad en/of I-netwerk",
        reason="the advice asks for progress reports (possibly to the I-netwerk), not a "
               "second decision; smaller cooperations give 'meer eigenaarschap en resultaat' "
               "(ADR:L509)",
        applies_when={"regime.routing": ("keuzematrix",)},
    ),
    Reading(
        name="override_policy",
        title="Doorzettingsmacht as CIO Rijk's discretion (the Rijksbreed value weighed "
              "against what overriding costs) or as a quota used whenever the value is "
              "positive and the yearly budget has room",
        variants={"discretion": {"regime.override_policy": "discretion"},
                  "quota": {"regime.override_policy": "quota"}},
        default="discretion",
        source="ADR:L573",
        quote="het uitoefenen van het mandaat en stevige sturing door CIO Rijk zijn geen "
              "garantie dat zaken ook gestaag en goed worden uitgevoerd",
        reason="a mandate that does not guarantee implementation, used as a 'vangnet' "
               "(BLOG:L52), is weighed case by case; the sources give no yearly number",
        applies_when={"regime.decision_rule": ("doorzettingsmacht", "minister_bzk")},
    ),
    Reading(
        name="q12_routing",
        title="Keuzematrix q1/q2: whether an item with financial or organisational "
              "consequences goes on to the ICBR only where they are Rijksbreed (q2), in "
              "both quadrants, or stays in the department",
        variants={"local": {"keuzematrix.q12_routing": "local"},
                  "wide": {"keuzematrix.q12_routing": "wide"},
                  "department": {"keuzematrix.q12_routing": "department"}},
        default="local",
        source="ADR:L608",
        quote="Het vraagstuk departementaal aanpakken. Rijksbrede behandeling en aanpak is "
              "niet nodig.",
        reason="q1 needs no Rijksbreed handling, and the ICBR decides F/O consequences of "
               "Rijksbrede matters (ADR:L3423, L994); q2 items have 'veel invloed op ... de "
               "Rijksbrede bedrijfsvoering' (ADR:L607), so theirs are Rijksbreed",
        applies_when={"regime.routing": ("keuzematrix",)},
    ),
    Reading(
        name="q4_lead",
        title="Keuzematrix q4: CIO Rijk prepares, decides after alignment in the CIO-beraad "
              "and monitors, or the CIO-beraad decides by its own rule (2021 unanimity)",
        variants={"cio_rijk": {"keuzematrix.q4_lead": "cio_rijk"},
                  "beraad": {"keuzematrix.q4_lead": "beraad"}},
        default="cio_rijk",
        source="ADR:L607",
        quote="CIO Rijk is in the lead, voor kaderstelling en monitoring, in nauwe "
              "samenwerking met departementen (CIO's) en hun CIO-offices en DG DOO. "
              "Afstemming in CIO-beraad, na voorbereiding.",
        reason="the advice puts kaderstelling and monitoring with CIO Rijk and asks the "
               "CIO-beraad for alignment, not a decision; the ADR finds the mandate for it "
               "in the Besluit already (ADR:L573)",
        applies_when={"regime.routing": ("keuzematrix",)},
    ),
    Reading(
        name="ciso_scope",
        title="Which security kaders follow CISO Rijk's 'pas toe of leg uit': those that "
              "answer an acute incident (art. 14) or every security kader",
        variants={"incidents": {"regime.ciso_scope": "incidents"},
                  "all_security": {"regime.ciso_scope": "all_security"}},
        default="incidents",
        source="B21:L1263",
        quote="hebben de aanwijzingen van de CISO Rijk nadrukkelijk een 'pas toe of leg "
              "uit'-karakter.",
        reason="the sentence explains art. 14, CISO Rijk's aanwijzingen in a serious, acute, "
               "department-transcending breach (art. 14, B21:L1239-1262), not the security kaders "
               "the CIO-beraad adopts",
        applies_when={"regime.instruments": ("ciso_security",)},
    ),
    Reading(
        name="jaaragenda_loss",
        title="Whether a turnover of CIO Rijk ends the CIO-beraad's jaaragenda for good or "
              "for half a year",
        variants={"permanent": {"cio_rijk.jaaragenda_loss": "permanent"},
                  "temporary": {"cio_rijk.jaaragenda_loss": "temporary"}},
        default="permanent",
        source="ADR:L2453",
        quote="Sinds de personele wisselingen bij CIO Rijk is geen jaaragenda op die wijze "
              "meer gezien.",
        reason="the ADR finds no jaaragenda since the turnover, years later; a return after "
               "half a year is nowhere in the sources",
    ),
)


def names() -> list[str]:
    """The readings' names, in registry order."""
    return [r.name for r in READINGS]


def lookup(name: str) -> Reading:
    """The reading of that name, or a :class:`ReadingError` listing the known ones."""
    for reading in READINGS:
        if reading.name == name:
            return reading
    import difflib

    close = difflib.get_close_matches(name, names(), n=1)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    raise ReadingError(f"no reading {name!r}{hint}; known: {', '.join(names())}")


def check(readings: Sequence[Reading] = READINGS) -> list[str]:
    """Every problem of the registry, one line each: entries that do not fit the schema,
    names used twice, and two readings that set the same key (their combination would be
    ill-defined)."""
    out = [p for r in readings for p in r.problems()]
    counts: dict[str, int] = {}
    owner: dict[str, str] = {}
    for reading in readings:
        counts[reading.name] = counts.get(reading.name, 0) + 1
        for key in reading.keys:
            if key in owner:
                out.append(f"readings {owner[key]!r} and {reading.name!r} both set {key}")
            owner.setdefault(key, reading.name)
    out += [f"reading {n!r} appears {c} times" for n, c in counts.items() if c > 1]
    return out


def select(spec: str | Reading | Iterable[str | Reading]) -> list[Reading]:
    """Readings from ``"all"``, a name, ``"a,b"`` or a list of names and readings, each once,
    in the order given (``all``: registry order)."""
    items: list[str | Reading] = [spec] if isinstance(spec, str | Reading) else list(spec)
    out: list[Reading] = []
    for item in items:
        if isinstance(item, Reading):
            found = [item]
        elif not isinstance(item, str):
            raise ReadingError(f"readings: got {item!r}; allowed: 'all' or reading names")
        else:
            parts = [p.strip() for p in item.split(",") if p.strip()]
            if not parts:
                raise ReadingError("readings: empty; allowed: 'all' or reading names: "
                                   + ", ".join(names()))
            named = [lookup(p) for p in parts if p != "all"]    # every name checked
            found = list(READINGS) if "all" in parts else named
        out += [r for r in found if r.name not in {o.name for o in out}]
    if not out:
        raise ReadingError("readings: none given; allowed: 'all' or reading names: "
                           + ", ".join(names()))
    return out


Assignment = tuple[tuple[str, str], ...]


def assignments(readings: Sequence[Reading], combine: bool = False) -> list[Assignment]:
    """The variant sets to run, each a tuple of (reading, variant) that differ from the
    defaults: one reading at a time around the defaults, or (``combine``) every combination.
    The all-defaults set, ``()``, comes first."""
    if not combine:
        return [(), *(((r.name, v),) for r in readings for v in r.others)]
    out: list[Assignment] = []
    for combo in itertools.product(*(tuple(r.variants) for r in readings)):
        out.append(tuple((r.name, v) for r, v in zip(readings, combo, strict=True)
                         if v != r.default))
    return out


def overrides(assignment: Assignment) -> dict[str, Any]:
    """The dotted-key overrides of a variant set."""
    out: dict[str, Any] = {}
    for reading, variant in assignment:
        out.update(lookup(reading).variant(variant))
    return out


def tag(assignment: Assignment) -> str:
    """How a variant set appears in labels: ``q3_working_group=confirm, ...``; ``defaults``
    for the empty set."""
    return ", ".join(f"{r}={v}" for r, v in assignment) or "defaults"
