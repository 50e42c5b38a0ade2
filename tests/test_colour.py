"""CIEDE2000 and colour-vision simulation (lib.colour), checked against published reference values."""

import math

import pytest

from lib import colour

# Sharma, Wu and Dalal (2005), "The CIEDE2000 color-difference formula", table 1 (a selection).
SHARMA = [
    ((50.0, 2.6772, -79.7751), (50.0, 0.0, -82.7485), 2.0425),
    ((50.0, 0.0, 0.0), (50.0, -1.0, 2.0), 2.3669),
    ((50.0, 2.5, 0.0), (73.0, 25.0, -18.0), 27.1492),
    ((60.2574, -34.0099, 36.2677), (60.4626, -34.1751, 39.4387), 1.2644),
    ((2.0776, 0.0795, -1.1350), (0.9033, -0.0636, -0.5514), 0.9082),
    ((50.0, 2.5, 0.0), (50.0, 0.0, -2.5), 4.3065),
]


@pytest.mark.parametrize(("lab1", "lab2", "expected"), SHARMA)
def test_ciede2000_matches_sharma(lab1, lab2, expected):
    assert colour.ciede2000(lab1, lab2) == pytest.approx(expected, abs=1e-4)
    assert colour.ciede2000(lab2, lab1) == pytest.approx(expected, abs=1e-4)


def test_lab_of_white_and_black():
    assert colour.rgb_to_lab((1.0, 1.0, 1.0)) == pytest.approx((100.0, 0.0, 0.0), abs=0.01)
    assert colour.rgb_to_lab((0.0, 0.0, 0.0)) == pytest.approx((0.0, 0.0, 0.0), abs=0.01)


def test_deuteranopia_confuses_red_and_green_but_not_blue_and_yellow():
    red_green = colour.difference("#D62728", "#2CA02C", "deuteranopia")
    assert red_green < colour.difference("#D62728", "#2CA02C") / 2
    assert colour.difference("#1F77B4", "#FFD700", "deuteranopia") > 40


def test_greyscale_keeps_lightness_only():
    grey = colour.simulate(colour.hex_to_rgb("#E69F00"), "greyscale")
    assert grey[0] == grey[1] == grey[2]
    # Orange and sky blue of equal lightness are one grey on paper.
    assert colour.difference("#E69F00", "#56B4E9", "greyscale") < 1


def test_worst_pair_names_the_closest_colours():
    diff, a, b = colour.worst_pair(["#000000", "#FFFFFF", "#010101"])
    assert {a, b} == {"#000000", "#010101"} and diff < 1
    assert colour.worst_pair(["#123456"]) == (math.inf, "", "")


def test_bad_colour_is_refused():
    with pytest.raises(ValueError, match="not a #RRGGBB"):
        colour.hex_to_rgb("blue")
