"""How a colour looks to a viewer with deuteranopia or protanopia, or printed in grey, in CIELAB.

The simulation is Machado, Oliveira and Fernandes, "A Physiologically-based Model for
Simulation of Color Vision Deficiency" (IEEE TVCG 15(6), 2009): a 3 × 3 matrix on linear
RGB per deficiency and severity; these are the published matrices for severity 1.0 (the
dichromat, the strongest case). Greyscale keeps the luminance Y of sRGB (Rec. 709
weights), which is what a grey printer or a desaturating screen filter shows.

Colours are then compared by their CIE76 distance ΔE*ab in CIELAB (D65 white). A
difference of 2.3 is just noticeable for large patches side by side; lines a pixel or two
wide need far more, so a figure's lines must stay ``MINIMUM_DELTA_E`` = 10 apart, or else
differ in dash pattern or marker too.
"""

from __future__ import annotations

import numpy as np
from matplotlib.colors import to_rgb

MINIMUM_DELTA_E = 10.0

MACHADO_SEVERITY_1 = {
    "protanopia": np.array([[0.152286, 1.052583, -0.204868],
                            [0.114503, 0.786281, 0.099216],
                            [-0.003882, -0.048116, 1.051998]]),
    "deuteranopia": np.array([[0.367322, 0.860646, -0.227968],
                              [0.280085, 0.672501, 0.047413],
                              [-0.011820, 0.042940, 0.968881]]),
}

SRGB_TO_XYZ = np.array([[0.4124564, 0.3575761, 0.1804375],
                        [0.2126729, 0.7151522, 0.0721750],
                        [0.0193339, 0.1191920, 0.9503041]])
D65 = SRGB_TO_XYZ @ np.ones(3)


def linear(color) -> np.ndarray:
    """sRGB (any matplotlib colour) to linear RGB in [0, 1]."""
    c = np.asarray(to_rgb(color), dtype=float)
    return np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)


def lab(rgb_linear: np.ndarray) -> np.ndarray:
    xyz = SRGB_TO_XYZ @ np.clip(rgb_linear, 0.0, 1.0)
    t = xyz / D65
    f = np.where(t > (6 / 29) ** 3, np.cbrt(t), t / (3 * (6 / 29) ** 2) + 4 / 29)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def seen(color, vision: str) -> np.ndarray:
    """The CIELAB colour ``vision`` sees: "normal", "greyscale" or a key of MACHADO_SEVERITY_1."""
    rgb = linear(color)
    if vision == "greyscale":
        rgb = np.full(3, SRGB_TO_XYZ[1] @ rgb)
    elif vision != "normal":
        rgb = MACHADO_SEVERITY_1[vision] @ rgb
    return lab(rgb)


VISIONS = ("normal", "deuteranopia", "protanopia", "greyscale")


def delta_e(first, second, vision: str) -> float:
    return float(np.linalg.norm(seen(first, vision) - seen(second, vision)))


def smallest_delta_e(first, second) -> tuple[float, str]:
    """The smallest ΔE between two colours over every vision, and which vision it is."""
    return min((delta_e(first, second, vision), vision) for vision in VISIONS)
