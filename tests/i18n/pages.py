"""Reading a page as its reader does: the text they see, the Danish a Norwegian reader must
never meet, and the dates and times a librarian should not have to decode."""

from __future__ import annotations

import html
import re

# Words and phrases that are Danish and not Norwegian (bokmål): where Django's Norwegian
# catalogue lacks a string it falls back to the default language's, Danish, and these are
# what a Norwegian librarian then reads. Each is matched as a whole word.
DANISH_ONLY = [
    "venligst",
    "herunder",
    "Skriv for at",
    "Gem",
    "Gemt",
    "Tilføj",
    "Tilføjede",
    "Slet",
    "Slettede",
    "Ændr",
    "Ændrede",
    "ændre",
    "Søg",
    "Vælg",
    "vælg",
    "Udvælg",
    "Udfør",
    "Log ud",
    "Log ind",
    "Brugernavn",
    "Adgangskode",
    "adgangskode",
    "Skift adgangskode",
    "Se websted",
    "hovedindhold",
    "nuværende",
    "Sidebjælke",
    "Tilmelding",
    "tilmelding",
    "Tilmeldinger",
    "tilmeldt",
    "Forløb",
    "forløb",
    "Fremmøde",
    "fremmøde",
    "Aflys",
    "aflyst",
    "Aflyst",
    "Næste",
    "uge",
    "Uge",
    "Ugekalender",
    "Hjælp",
    "hjælpere",
    "Bekræft",
    "bekræft",
    "pladser",
    "Pladser",
    "Deltagere",
    "deltagere",
    "endnu",
    "besked",
    "Besked",
    "fejl",
    "Fejl",
    "Nu",
    "Luk",
    "Annuller",
    "Sprog",
    "sprog",
    "Mit sprog",
    "maj",
]
_DANISH = re.compile("|".join(rf"(?<!\w){re.escape(word)}(?!\w)" for word in DANISH_ONLY))

ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
ISO_WEEK = re.compile(r"\d{4}-W\d{2}")
SECONDS = re.compile(r"(?<![\d:])\d{1,2}:\d{2}:\d{2}(?![\d:])")
_INPUT_VALUE = re.compile(r"<input\b[^>]*\bvalue=\"([^\"]*)\"", re.S)
_HIDDEN = re.compile(r"<(script|style|template|textarea)\b.*?</\1>", re.S | re.I)
_TAG = re.compile(r"<[^>]+>")
# Words in attributes a reader sees or hears: a field's placeholder, a button's label, a
# link's tooltip or spoken name.
_SAID = re.compile(r"\b(?:placeholder|aria-label|title)=\"([^\"]*)\"")
_BUTTON = re.compile(r"<input\b[^>]*\btype=\"(?:submit|button)\"[^>]*>", re.S)
_VALUE = re.compile(r"\bvalue=\"([^\"]*)\"")


def visible_text(page: str) -> str:
    """The words on the page, as read: no markup, scripts or styles; with what placeholders,
    buttons, tooltips and spoken labels say."""
    page = _HIDDEN.sub(" ", page)
    said = _SAID.findall(page)
    said += [value for button in _BUTTON.findall(page) for value in _VALUE.findall(button)]
    text = _TAG.sub(" ", page) + " " + " ".join(said)
    return " ".join(html.unescape(text).split())


def danish_in(text: str) -> list[str]:
    """Each Danish-only word in ``text``, with a few words around it to find it by."""
    return [text[max(0, found.start() - 30) : found.end() + 30] for found in _DANISH.finditer(text)]


def input_values(page: str) -> list[str]:
    """What the page's inputs show before anyone types (a date, a time)."""
    return [html.unescape(value) for value in _INPUT_VALUE.findall(page)]


def unreadable_dates(page: str) -> list[str]:
    """ISO dates and weeks ("2026-11-23", "2026-W48") in the text a reader sees, and times
    with seconds in the text or in an input's value."""
    text = visible_text(page)
    found = ISO_DATE.findall(text) + ISO_WEEK.findall(text) + SECONDS.findall(text)
    for value in input_values(page):
        found += SECONDS.findall(value)
    return found
