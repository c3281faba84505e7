"""Vietnamese collation: the order of the Vietnamese alphabet and of its tones, not code points.

Code-point order puts "Đ" after "Z" and "ă" after "z". Vietnamese dictionaries order letters
a ă â b c d đ e ê g h i k l m n o ô ơ p q r s t u ư v x y, compare words letter by letter first and only
then by tone (none, huyền, hỏi, ngã, sắc, nặng). This is that rule, as CLDR's Vietnamese tailoring states
it (``&A<ă<â &D<đ &E<ê &O<ô<ơ &U<ư``, tones at the secondary level): the Latin letters Vietnamese does not
use (f, j, w, z, as in "FDI") keep their Latin places, digits come before letters, and spaces and
punctuation before both. Small enough to own (a full ICU dependency would need a system library for one
sort).
"""

from __future__ import annotations

import unicodedata

# The Vietnamese alphabet with the Latin letters it lacks (f, j, w, z) in their Latin places, as CLDR does.
_ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
_LETTER_RANK = {ch: i for i, ch in enumerate(_ALPHABET)}
# Tone marks and their rank; breve, circumflex and horn instead make a distinct letter.
_TONES = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}


def _letters_and_tones(word: str) -> tuple[list[tuple[int, str]], list[int]]:
    letters: list[tuple[int, str]] = []
    tones: list[int] = []
    for ch in unicodedata.normalize("NFD", word.lower()):
        if ch in _TONES:
            if tones:
                tones[-1] = _TONES[ch]
            continue
        if ch == "\u0306" and letters and letters[-1][1] == "a":
            letters[-1] = (_LETTER_RANK["ă"], "ă")
            continue
        if ch == "\u0302" and letters and letters[-1][1] in "aeo":
            base = {"a": "â", "e": "ê", "o": "ô"}[letters[-1][1]]
            letters[-1] = (_LETTER_RANK[base], base)
            continue
        if ch == "\u031b" and letters and letters[-1][1] in "ou":
            base = {"o": "ơ", "u": "ư"}[letters[-1][1]]
            letters[-1] = (_LETTER_RANK[base], base)
            continue
        if unicodedata.combining(ch):
            continue
        rank = _LETTER_RANK.get(ch)
        if rank is None:
            # Digits before letters, spaces and punctuation before digits; any other letter after z.
            rank = -10 + int(ch) if ch.isdigit() and ch.isascii() else (100 + ord(ch) if ch.isalpha() else -20)
        letters.append((rank, ch))
        tones.append(0)
    return letters, tones


def sort_key(text: str) -> tuple:
    """Key for ``sorted``: letters first (Vietnamese order), then tones, then the text itself as a tie-break."""
    letters, tones = _letters_and_tones(text)
    return ([rank for rank, _ in letters], tones, text)


def vi_sorted(items, key=lambda x: x):
    """Sort ``items`` by Vietnamese collation of ``key(item)``."""
    return sorted(items, key=lambda item: sort_key(key(item)))
