"""Text normalisation that remembers where every character came from.

Quotes are compared after folding case, quote marks, dashes, ligatures, soft hyphens,
line-end hyphenation and whitespace runs; a match in the folded text is mapped back to
exact offsets in the original, so the report still shows a verbatim slice.
"""

from __future__ import annotations

from dataclasses import dataclass

_FOLD = {
    "\u2018": "'",
    "\u2019": "'",
    "\u201a": "'",
    "\u201b": "'",
    "\u2032": "'",
    "`": "'",
    "\u00b4": "'",
    "\u201c": '"',
    "\u201d": '"',
    "\u201e": '"',
    "\u201f": '"',
    "\u00ab": '"',
    "\u00bb": '"',
    "\u2033": '"',
    "\u2010": "-",
    "\u2011": "-",
    "\u2012": "-",
    "\u2013": "-",
    "\u2014": "-",
    "\u2212": "-",
    "\ufb00": "ff",
    "\ufb01": "fi",
    "\ufb02": "fl",
    "\ufb03": "ffi",
    "\ufb04": "ffl",
    "\ufb05": "st",
    "\ufb06": "st",
    "\u00ad": "",
    "\u200b": "",
    "\u200c": "",
    "\u200d": "",
    "\ufeff": "",
}


@dataclass(frozen=True)
class Folded:
    """``text`` is the folded string; ``origin[i]`` the offset in the original string of
    folded character ``i``; ``origin[len(text)]`` the original length."""

    text: str
    origin: tuple[int, ...]

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Original offsets of the folded span ``[start, end)``."""
        return self.origin[start], self.origin[end - 1] + 1 if end > start else self.origin[start]


def fold(text: str) -> Folded:
    out: list[str] = []
    origin: list[int] = []
    n = len(text)
    i = 0
    pending_space = -1
    while i < n:
        ch = text[i]
        # "infra-\nstruktur" / "infra- struktur": a hyphen at a line end inside a word.
        if (
            ch in "-\u2010\u00ad"
            and out
            and out[-1].isalpha()
            and i + 1 < n
            and text[i + 1] in " \n\r\t"
        ):
            j = i + 1
            while j < n and text[j] in " \t\r":
                j += 1
            if j < n and text[j] == "\n":
                j += 1
                while j < n and text[j] in " \t":
                    j += 1
                if j < n and text[j].islower():
                    i = j
                    continue
        if ch.isspace():
            if pending_space < 0:
                pending_space = i
            i += 1
            continue
        if pending_space >= 0:
            if out:
                out.append(" ")
                origin.append(pending_space)
            pending_space = -1
        mapped = _FOLD.get(ch, ch)
        for m in mapped.lower() if mapped else "":
            out.append(m)
            origin.append(i)
        i += 1
    origin.append(n)
    return Folded("".join(out), tuple(origin))
