"""Colour science for the charts' palettes: CIEDE2000 differences, colour-vision simulation, greyscale.

A legend is readable when every pair of its colours differs visibly for everyone who reads it:
with normal vision, with the common colour-vision deficiencies (deuteranopia, protanopia,
tritanopia; simulated with the matrices of Machado, Oliveira and Fernandes, 2009, severity 1.0)
and on a greyscale printout (CIE lightness only). The palette tests check each legend with
:func:`worst_pair`.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from itertools import combinations

RGB = tuple[float, float, float]

# Machado et al. (2009), severity 1.0, applied to linear RGB.
_CVD_MATRICES: dict[str, tuple[RGB, RGB, RGB]] = {
    "deuteranopia": (
        (0.367322, 0.860646, -0.227968),
        (0.280085, 0.672501, 0.047413),
        (-0.011820, 0.042940, 0.968881),
    ),
    "protanopia": (
        (0.152286, 1.052583, -0.204868),
        (0.114503, 0.786281, 0.099216),
        (-0.003882, -0.048116, 1.051998),
    ),
    "tritanopia": (
        (1.255528, -0.076749, -0.178779),
        (-0.078411, 0.930809, 0.147602),
        (0.004733, 0.691367, 0.303900),
    ),
}
VISIONS = ("normal", *_CVD_MATRICES, "greyscale")


def hex_to_rgb(colour: str) -> RGB:
    """``#RRGGBB`` as sRGB components in 0..1."""
    c = colour.lstrip("#")
    if len(c) != 6:
        raise ValueError(f"not a #RRGGBB colour: {colour!r}")
    return tuple(int(c[i : i + 2], 16) / 255 for i in (0, 2, 4))  # type: ignore[return-value]


def _to_linear(c: float) -> float:
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def _to_srgb(c: float) -> float:
    c = min(max(c, 0.0), 1.0)
    return 12.92 * c if c <= 0.0031308 else 1.055 * c ** (1 / 2.4) - 0.055


def rgb_to_lab(rgb: RGB) -> RGB:
    """sRGB (0..1, D65) to CIE L*a*b*."""
    r, g, b = (_to_linear(c) for c in rgb)
    x = (0.4124564 * r + 0.3575761 * g + 0.1804375 * b) / 0.95047
    y = 0.2126729 * r + 0.7151522 * g + 0.0721750 * b
    z = (0.0193339 * r + 0.1191920 * g + 0.9503041 * b) / 1.08883

    def f(t: float) -> float:
        return t ** (1 / 3) if t > (6 / 29) ** 3 else t / (3 * (6 / 29) ** 2) + 4 / 29

    fx, fy, fz = f(x), f(y), f(z)
    return (116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz))


def simulate(rgb: RGB, vision: str) -> RGB:
    """How an sRGB colour looks under ``vision`` (one of :data:`VISIONS`), as sRGB."""
    if vision == "normal":
        return rgb
    lin = [_to_linear(c) for c in rgb]
    if vision == "greyscale":
        y = 0.2126729 * lin[0] + 0.7151522 * lin[1] + 0.0721750 * lin[2]
        g = _to_srgb(y)
        return (g, g, g)
    m = _CVD_MATRICES[vision]
    return tuple(_to_srgb(sum(m[i][j] * lin[j] for j in range(3))) for i in range(3))  # type: ignore[return-value]


def ciede2000(lab1: RGB, lab2: RGB) -> float:
    """The CIEDE2000 colour difference between two L*a*b* colours (Sharma, Wu and Dalal, 2005)."""
    l1, a1, b1 = lab1
    l2, a2, b2 = lab2
    c1, c2 = math.hypot(a1, b1), math.hypot(a2, b2)
    c_bar = (c1 + c2) / 2
    g = 0.5 * (1 - math.sqrt(c_bar**7 / (c_bar**7 + 25**7)))
    a1p, a2p = (1 + g) * a1, (1 + g) * a2
    c1p, c2p = math.hypot(a1p, b1), math.hypot(a2p, b2)
    h1p = math.degrees(math.atan2(b1, a1p)) % 360 if c1p else 0.0
    h2p = math.degrees(math.atan2(b2, a2p)) % 360 if c2p else 0.0
    dlp = l2 - l1
    dcp = c2p - c1p
    if c1p * c2p == 0:
        dhp = 0.0
    elif abs(h2p - h1p) <= 180:
        dhp = h2p - h1p
    elif h2p - h1p > 180:
        dhp = h2p - h1p - 360
    else:
        dhp = h2p - h1p + 360
    d_hp = 2 * math.sqrt(c1p * c2p) * math.sin(math.radians(dhp / 2))
    lp_bar = (l1 + l2) / 2
    cp_bar = (c1p + c2p) / 2
    if c1p * c2p == 0:
        hp_bar = h1p + h2p
    elif abs(h1p - h2p) <= 180:
        hp_bar = (h1p + h2p) / 2
    elif h1p + h2p < 360:
        hp_bar = (h1p + h2p + 360) / 2
    else:
        hp_bar = (h1p + h2p - 360) / 2
    t = (
        1
        - 0.17 * math.cos(math.radians(hp_bar - 30))
        + 0.24 * math.cos(math.radians(2 * hp_bar))
        + 0.32 * math.cos(math.radians(3 * hp_bar + 6))
        - 0.20 * math.cos(math.radians(4 * hp_bar - 63))
    )
    d_theta = 30 * math.exp(-(((hp_bar - 275) / 25) ** 2))
    r_c = 2 * math.sqrt(cp_bar**7 / (cp_bar**7 + 25**7))
    s_l = 1 + 0.015 * (lp_bar - 50) ** 2 / math.sqrt(20 + (lp_bar - 50) ** 2)
    s_c = 1 + 0.045 * cp_bar
    s_h = 1 + 0.015 * cp_bar * t
    r_t = -math.sin(math.radians(2 * d_theta)) * r_c
    return math.sqrt(
        (dlp / s_l) ** 2 + (dcp / s_c) ** 2 + (d_hp / s_h) ** 2 + r_t * (dcp / s_c) * (d_hp / s_h)
    )


def difference(colour1: str, colour2: str, vision: str = "normal") -> float:
    """CIEDE2000 between two ``#RRGGBB`` colours as seen under ``vision``."""
    lab1 = rgb_to_lab(simulate(hex_to_rgb(colour1), vision))
    lab2 = rgb_to_lab(simulate(hex_to_rgb(colour2), vision))
    return ciede2000(lab1, lab2)


def worst_pair(colours: Sequence[str] | Iterable[str], vision: str = "normal") -> tuple[float, str, str]:
    """The least distinguishable pair of distinct colours under ``vision``: (difference, a, b)."""
    unique = list(dict.fromkeys(c.upper() for c in colours))
    if len(unique) < 2:
        return (math.inf, "", "")
    return min((difference(a, b, vision), a, b) for a, b in combinations(unique, 2))
