"""Header names as staff write them: any case, with or without accents, spaces for underscores,
and the column labels tables show in English, French and Spanish ("Date de début" is
``start_date``). A name that matches nothing is kept (lowercased) so a problem can name it."""

from __future__ import annotations

import re
import unicodedata
from functools import cache

from lib import i18n
from lib.datasets import Dataset, get_dataset

_SEPARATORS = re.compile(r"[\s_\-./]+")


def normalise(name: str) -> str:
    """``Date de Début`` -> ``date_de_debut``: casefolded, accents and punctuation dropped."""
    decomposed = unicodedata.normalize("NFKD", name.strip().casefold())
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SEPARATORS.sub("_", plain).strip("_'")


@cache
def aliases(dataset_name: str) -> dict[str, str]:
    """Every accepted spelling of a column's header (normalised) -> the column's name.

    A spelling two columns of the dataset share (a translation that coincides) is not used.
    """
    from lib.tables import COLUMN_LABELS

    dataset = get_dataset(dataset_name)
    found: dict[str, set[str]] = {}
    for c in dataset.columns:
        names = {c.name}
        label = COLUMN_LABELS.get(c.name)
        if label:
            names.add(label)
            names.update(i18n.catalog(lang).get(label, label) for lang in i18n.LANGUAGES)
        for n in names:
            found.setdefault(normalise(n), set()).add(c.name)
    return {alias: next(iter(cols)) for alias, cols in found.items() if len(cols) == 1}


def canonical(header: list[str], dataset: Dataset) -> list[str]:
    """The header's names as the template's column names where they match one."""
    known = aliases(dataset.name)
    ignored = {normalise(c): c for c in dataset.ignored_columns}
    out = []
    for h in header:
        key = normalise(str(h))
        out.append(known.get(key) or ignored.get(key) or str(h).strip().lower())
    return out
