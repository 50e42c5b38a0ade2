"""Filter choices kept across reruns: what a select box or multiselect shows when its options change."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


def keep_choice(previous: Any, options: Sequence[Any], default: Any = None) -> Any:
    """``previous`` when it is still an option, else ``default`` when it is one, else the first option."""
    if previous in options:
        return previous
    if default in options:
        return default
    return options[0] if len(options) else None


def keep_selection(
    previous: Sequence[str] | None, options: Sequence[str], default: Sequence[str]
) -> list[str]:
    """The previous choices that are still options; ``default`` on first use or when none is left.

    An empty previous choice (the user cleared it) stays empty.
    """
    kept = [p for p in (previous or []) if p in options]
    if kept or (previous is not None and not len(previous)):
        return kept
    return [d for d in default if d in options]
