"""One small error hierarchy. Messages are one line a user can act on."""

from __future__ import annotations


class SourcecheckError(Exception):
    """Base class: anything sourcecheck raises on purpose."""


class InputError(SourcecheckError):
    """A file or text that cannot be read as a document: names the file and the problem."""

    def __init__(self, path: str, problem: str) -> None:
        self.path = path
        self.problem = problem
        super().__init__(f"{path}: {problem}")


class ConfigError(SourcecheckError):
    """An unknown backend name, a bad option value, or a missing optional dependency."""


class ModelError(SourcecheckError):
    """A model could not be loaded or run."""


def one_line(problem: BaseException | str, limit: int = 200) -> str:
    """``problem`` (an exception's message or a text) as one line of at most ``limit``
    characters, for an error message a user reads: whitespace runs become one space and a
    longer text is cut with "..."."""
    text = " ".join(str(problem).split())
    return text if len(text) <= limit else text[: limit - 3] + "..."
