"""Choices by letter (one or several) and true/false."""

from __future__ import annotations

import re
import string
from dataclasses import dataclass
from typing import Any

from mpcheck.answers.base import AnswerKind, Match
from mpcheck.answers.numeric import check_length, clip, normalise
from mpcheck.errors import AnswerError

MAX_CHOICE_CHARS = 1_000
# b   B   b)   (b)   [b]   b.
ONE_LETTER = re.compile(r"[(\[]?\s*([A-Za-z])\s*[)\].]?")
SEPARATORS = re.compile(r"[\s,;/&+]+")
FILLER_WORDS = {"and", "und"}


def _letters_text(letters: str) -> str:
    return ", ".join(letters[:-1]) + " or " + letters[-1] if len(letters) > 1 else letters


@dataclass(frozen=True)
class Choice(AnswerKind):
    """One option (or several, with ``multiple``) by letter; JSON "b" or ["a", "c"].

    With ``match_text`` the exact text of an option (any case) is read as its letter too; leave it
    off where options are shown shuffled, since the letter of a text then depends on the params.
    """

    options: tuple[str, ...] = ()
    multiple: bool = False
    match_text: bool = False
    name = "choice"

    @property
    def instructions(self) -> str:  # type: ignore[override]
        if self.multiple:
            return "Answer with the letters of all options that apply, e.g. a, c."
        return "Answer with the letter of one option, e.g. b."

    @property
    def letters(self) -> str:
        return string.ascii_lowercase[: len(self.options)] if self.options else string.ascii_lowercase

    def _letter(self, token: str) -> str:
        match = ONE_LETTER.fullmatch(token.strip())
        if match:
            letter = match[1].lower()
            if letter in self.letters:
                return letter
        if self.match_text:
            for letter, option in zip(self.letters, self.options):
                if token.strip().casefold() == option.strip().casefold():
                    return letter
        raise AnswerError(f"{clip(token.strip(), 30)!r} is not an option; answer with "
                          f"{_letters_text(self.letters)}")

    def _screen(self, text: str) -> str:
        check_length(text, MAX_CHOICE_CHARS)
        text = normalise(text).strip()
        if not text:
            raise AnswerError("the answer is empty; answer with " + _letters_text(self.letters))
        return text

    def parse(self, text: str) -> str | tuple[str, ...]:
        text = self._screen(text)
        if not self.multiple:
            return self._letter(text)
        return self._parse_several(text)

    def _parse_several(self, text: str) -> tuple[str, ...]:
        if self.match_text and text.casefold() in (o.strip().casefold() for o in self.options):
            return (self._letter(text),)
        inner = text[1:-1] if text[:1] + text[-1:] in ("[]", "()", "{}") else text
        if inner.strip().lower() == "none":
            return ()
        chosen: set[str] = set()
        for token in SEPARATORS.split(inner.strip()):
            token = token.strip("()[].")
            if not token or token.lower() in FILLER_WORDS:
                continue
            # "ac" is a and c
            for letter in (token if token.isalpha() and len(token) > 1 else [token]):
                chosen.add(self._letter(letter))
        if not chosen:
            raise AnswerError("no option given; answer with letters such as a, c")
        return tuple(sorted(chosen))

    def from_json(self, value: Any) -> str | tuple[str, ...]:
        letters = [value] if isinstance(value, str) else value
        if not isinstance(letters, list) or not all(isinstance(v, str) for v in letters):
            raise TypeError(f"expected option letter(s), got {value!r}")
        bad = [v for v in letters if v not in self.letters]
        if bad:
            raise ValueError(f"{bad} are not option letters ({self.letters})")
        if not self.multiple:
            if len(letters) != 1:
                raise ValueError(f"expected one letter, got {value!r}")
            return letters[0]
        return tuple(sorted(set(letters)))

    def to_json(self, value: str | tuple[str, ...]) -> str | list[str]:
        return value if isinstance(value, str) else list(value)

    def format(self, value: str | tuple[str, ...]) -> str:
        return value if isinstance(value, str) else ", ".join(value) or "none"

    def compare(self, given: Any, expected: Any) -> Match:
        if given == expected:
            return Match(True)
        if not self.multiple:
            return Match(False)
        missed, extra = set(expected) - set(given), set(given) - set(expected)
        if missed and not extra:
            return Match(False, f"Right so far, but {len(missed)} more option(s) apply.")
        if extra and not missed:
            return Match(False, f"{len(extra)} of your options do(es) not apply.")
        return Match(False)

    def equivalent_forms(self, expected: Any) -> list[str]:
        if isinstance(expected, str):
            forms = [expected, expected.upper(), f"{expected})", f"({expected})", f" {expected} ",
                     f"[{expected}]", f"{expected}."]
            if self.match_text and self.options:
                forms.append(self.options[self.letters.index(expected)].upper())
            return forms
        if not expected:
            return ["none", "[]"]
        chosen = list(expected)
        return [", ".join(chosen), " ".join(chosen), "".join(chosen), "[" + ", ".join(chosen) + "]",
                ", ".join(reversed(chosen)).upper(), " and ".join(reversed(chosen)),
                "; ".join(f"{c})" for c in chosen)]

    def perturbations(self, expected: Any) -> list[Any]:
        letters = self.letters if self.options else "abcd"
        if isinstance(expected, str):
            return [letter for letter in letters if letter != expected]
        toggled = [tuple(sorted(set(expected) ^ {letter})) for letter in letters]
        return [t for t in toggled if t]


TRUE_WORDS = {"true", "t", "yes", "y", "1", "wahr", "ja"}
FALSE_WORDS = {"false", "f", "no", "n", "0", "falsch", "nein"}


@dataclass(frozen=True)
class Boolean(AnswerKind):
    """True or false; JSON bool."""

    name = "boolean"
    instructions = "Answer true or false."

    def parse(self, text: str) -> bool:
        check_length(text, MAX_CHOICE_CHARS)
        word = normalise(text).strip().rstrip(".!").strip().lower()
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
        if not word:
            raise AnswerError("the answer is empty; answer true or false")
        raise AnswerError(f"{clip(word, 30)!r} is neither true nor false; answer true or false (or yes/no)")

    def from_json(self, value: Any) -> bool:
        if not isinstance(value, bool):
            raise TypeError(f"expected true or false, got {value!r}")
        return value

    def format(self, value: bool) -> str:
        return "true" if value else "false"

    def compare(self, given: bool, expected: bool) -> Match:
        return Match(given == expected)

    def equivalent_forms(self, expected: bool) -> list[str]:
        if expected:
            return ["true", "True", "TRUE", "t", "yes", "Y", "1", " true. "]
        return ["false", "False", "FALSE", "f", "no", "N", "0", " false. "]

    def perturbations(self, expected: bool) -> list[bool]:
        return [not expected]
