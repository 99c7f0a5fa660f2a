"""Multi-part answers: named parts, each read and graded by its own kind."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from mpcheck.answers.base import AnswerKind, Match
from mpcheck.answers.numeric import check_brackets, check_length, clip
from mpcheck.answers.split import MAX_ANSWER_CHARS
from mpcheck.errors import AnswerError

MAX_FORMS = 6
ANY_HEADER = re.compile(r"^\s*([A-Za-z_][\w\-]*)\s*(?::|=(?!=))")


def _part_error(name: str, exc: Exception) -> AnswerError:
    return AnswerError(f"part {name}: {exc}")


@dataclass(frozen=True, eq=False)
class Parts(AnswerKind):
    """Named parts, each its own kind, e.g. ``Parts({"h": Vector(), "c": Vector()})``; JSON object.

    Read from a JSON object (``{"h": "[0.1, 0.2]", "c": [0.3, 0.4]}``) or from one
    ``name: value`` (or ``name = value``) per line; ``;`` and ``,`` may also separate parts
    on one line. ``compare`` grades the parts present in both values, so a mistake may name
    only the parts it changes.
    """

    parts: Mapping[str, AnswerKind] = field(default_factory=dict)
    name = "multi-part"

    @property
    def instructions(self) -> str:  # type: ignore[override]
        return self.instructions_for(None)

    def instructions_for(self, expected: Any, interactive: bool = False) -> str:
        names = list(self.parts)
        if interactive:
            example = "; ".join(f"{n}: …" for n in names)
            head = (f"You are asked for each part in turn ({', '.join(names)}); or give them all on "
                    f"the first line as {example}.")
        else:
            head = f"Answer each part on its own line as name: value (parts {', '.join(names)})."
        # one line per distinct instruction: "h, c: answer with a list of numbers …"
        texts: dict[str, list[str]] = {}
        for name, kind in self.parts.items():
            part_expected = expected.get(name) if isinstance(expected, dict) else None
            text = kind.instructions_for(part_expected, interactive)
            if text:
                texts.setdefault(text[:1].lower() + text[1:], []).append(name)
        return "\n".join([head, *(f"  {', '.join(group)}: {text}" for text, group in texts.items())])

    @property
    def tolerant(self) -> bool:  # type: ignore[override]
        return any(kind.tolerant for kind in self.parts.values())

    @property
    def _header(self) -> re.Pattern:
        names = "|".join(re.escape(n) for n in sorted(self.parts, key=len, reverse=True))
        flags = re.IGNORECASE if self._case_free else 0
        return re.compile(r"(?:^|[\n;,])\s*(" + names + r")\s*(?::|=(?!=))", flags)

    @property
    def _case_free(self) -> bool:
        # names are read in any case (H: for h) unless two of them differ only in case
        return len({n.casefold() for n in self.parts}) == len(self.parts)

    def part_name(self, typed: str) -> str | None:
        """The part ``typed`` names (``H`` is ``h``), or None."""
        if typed in self.parts:
            return typed
        if self._case_free:
            return next((n for n in self.parts if n.casefold() == typed.casefold()), None)
        return None

    def names_in(self, text: str) -> list[str]:
        """The parts labelled in ``text`` (``h: … ; c: …``), in order."""
        return [self.part_name(m[1]) for m in self._header.finditer(text)]

    def parse(self, text: str) -> dict[str, Any]:
        check_length(text, MAX_ANSWER_CHARS)
        text = text.strip()
        if not text:
            raise AnswerError(f"the answer is empty; give the parts {', '.join(self.parts)}")
        values = self._parse_json(text) if text.startswith("{") else self._parse_lines(text)
        missing = [n for n in self.parts if n not in values]
        if missing:
            raise AnswerError(f"missing part{'s' if len(missing) > 1 else ''} {', '.join(missing)}; "
                              f"answer every part: {', '.join(self.parts)}")
        return {n: values[n] for n in self.parts}

    def _parse_json(self, text: str) -> dict[str, Any]:
        check_brackets(text)
        try:
            data = json.loads(text)
        except (ValueError, RecursionError):
            raise AnswerError('not a valid JSON object; write e.g. {"h": "[0.1, 0.2]", ...} '
                              "or one name: value per line") from None
        if not isinstance(data, dict):
            raise AnswerError("expected a JSON object with one entry per part")
        self._check_names(data)
        values = {}
        for typed, raw in data.items():
            name = self.part_name(typed)
            if name in values:
                raise AnswerError(f"part {name} is given twice")
            kind = self.parts[name]
            try:
                values[name] = kind.parse(raw) if isinstance(raw, str) else kind.from_json(raw)
            except (AnswerError, TypeError, ValueError, OverflowError) as exc:
                raise _part_error(name, exc) from None
        return values

    def _check_names(self, names: Any) -> None:
        unknown = [str(n) for n in names if self.part_name(str(n)) is None]
        if unknown:
            raise AnswerError(f"unknown part {clip(', '.join(unknown), 40)!r}; "
                              f"the parts are {', '.join(self.parts)}")

    def _parse_lines(self, text: str) -> dict[str, Any]:
        for line in text.splitlines():
            header = ANY_HEADER.match(line)
            if header and self.part_name(header[1]) is None and not self._header.match(line):
                self._check_names([header[1]])
        headers = list(self._header.finditer(text))
        if not headers:
            if len(self.parts) == 1:
                (name, kind), = self.parts.items()
                return {name: self._parse_part(name, kind, text)}
            raise AnswerError(f"write each part as name: value, e.g. {next(iter(self.parts))}: ...")
        lead = text[: headers[0].start()].strip()
        if lead:
            raise AnswerError(f"could not tell which part {clip(lead, 30)!r} belongs to; "
                              "write name: value")
        values: dict[str, Any] = {}
        for header, following in zip(headers, headers[1:] + [None]):
            name = self.part_name(header[1])
            if name in values:
                raise AnswerError(f"part {name} is given twice")
            end = following.start() if following else len(text)
            values[name] = self._parse_part(name, self.parts[name], text[header.end(): end])
        return values

    def _parse_part(self, name: str, kind: AnswerKind, text: str) -> Any:
        try:
            return kind.parse(text.strip())
        except AnswerError as exc:
            raise _part_error(name, exc) from None

    def from_json(self, value: Any) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise TypeError(f"expected an object with parts {', '.join(self.parts)}, got {value!r}")
        unknown = [n for n in value if n not in self.parts]
        if unknown:
            raise ValueError(f"unknown parts {unknown}; the parts are {list(self.parts)}")
        return {n: self.parts[n].from_json(value[n]) for n in self.parts if n in value}

    def to_json(self, value: dict[str, Any]) -> dict[str, Any]:
        return {n: self.parts[n].to_json(v) for n, v in value.items()}

    def format(self, value: dict[str, Any]) -> str:
        return self.format_digits(value, 0)

    def format_digits(self, value: dict[str, Any], digits: int) -> str:
        return "\n".join(f"{n}: {self.parts[n].format_digits(value[n], digits)}"
                         for n in self.parts if n in value)

    def compare(self, given: dict[str, Any], expected: dict[str, Any]) -> Match:
        names = [n for n in self.parts if n in given and n in expected]
        matches = {n: self.parts[n].compare(given[n], expected[n]) for n in names}
        wrong = [n for n, m in matches.items() if not m.correct]
        score = (len(names) - len(wrong)) / len(names) if names else 0.0
        if not names:
            return Match(False, "No part to compare.", score=0.0, parts={})
        if not wrong:
            return Match(True, score=1.0, parts=matches, method=_method(matches))
        near = all(matches[n].near for n in wrong)
        message = f"{len(names) - len(wrong)} of {len(names)} parts right; wrong: {', '.join(wrong)}."
        return Match(False, message, near=near, score=score, parts=matches, method=_method(matches))

    def bind(self, params: dict[str, Any]) -> "Parts":
        bound = {n: kind.bind(params) for n, kind in self.parts.items()}
        if all(bound[n] is kind for n, kind in self.parts.items()):
            return self
        return Parts(bound)

    def distance(self, given: dict[str, Any], expected: dict[str, Any]) -> float:
        """The farthest part, over the parts present in both (``inf`` when none is)."""
        names = [n for n in self.parts if n in given and n in expected]
        if not names:
            return float("inf")
        return max(self.parts[n].distance(given[n], expected[n]) for n in names)

    def in_reach(self, given: dict[str, Any], expected: dict[str, Any], reach: float) -> bool:
        names = [n for n in self.parts if n in given and n in expected]
        return bool(names) and all(self.parts[n].in_reach(given[n], expected[n], reach) for n in names)

    def rounded(self, value: dict[str, Any], digits: int) -> dict[str, Any] | None:
        out = {n: self.parts[n].rounded(v, digits) for n, v in value.items()}
        return None if all(v is None for v in out.values()) else {
            n: (value[n] if v is None else v) for n, v in out.items()}

    def telling(self, wrong: dict[str, Any], expected: dict[str, Any]) -> dict[str, Any]:
        changed = {n: v for n, v in wrong.items()
                   if n not in expected or self.parts[n].distance(v, expected[n]) > 1}
        return changed or wrong

    def equivalent_forms(self, expected: dict[str, Any]) -> list[str]:
        names = [n for n in self.parts if n in expected]
        per_part = {n: self.parts[n].equivalent_forms(expected[n]) for n in names}
        forms = [self.format(expected),
                 json.dumps({n: self.parts[n].format(expected[n]) for n in names}),
                 json.dumps(self.to_json(expected)),
                 "; ".join(f"{n} = {self.parts[n].format(expected[n])}" for n in names)]
        for i in range(1, min(MAX_FORMS, max(len(f) for f in per_part.values()))):
            forms.append("\n".join(f"{n}: {per_part[n][i % len(per_part[n])]}" for n in names))
        return list(dict.fromkeys(forms))

    def perturbations(self, expected: dict[str, Any]) -> list[dict[str, Any]]:
        values = []
        for name, kind in self.parts.items():
            if name in expected:
                for changed in kind.perturbations(expected[name])[:3]:
                    values.append({**expected, name: changed})
        return values


def _method(matches: dict[str, Match]) -> str:
    methods = {m.method for m in matches.values()}
    return methods.pop() if len(methods) == 1 else "mixed"
