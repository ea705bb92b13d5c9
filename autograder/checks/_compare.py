"""Comparisons shared by lessons 1-3's checks, on top of ``autograder.core.expect_close``.

``core.expect_close`` summarises a wrong array by its mean and the expected
mean; when the two agree to the digits shown ("has mean 0.5031, expected
0.5031") that reads as a contradiction, so this says what differs instead.
It also adds ``otherwise``, a hint in words, when no ``likely`` mistake
matched, so that no lost point is explained by numbers alone.
"""

import numpy as np

from autograder.core import Wrong
from autograder.core import expect_close as _core_expect_close


def expect_close(got, expected, what, rtol=1e-5, atol=1e-8, likely=None, otherwise=""):
    """``core.expect_close``, with a message that never contradicts itself and always names a likely mistake."""
    try:
        _core_expect_close(got, expected, what, rtol=rtol, atol=atol, likely=likely)
    except Wrong as wrong:
        raise Wrong(_reworded(str(wrong), got, expected, what, likely, otherwise)) from None


def _reworded(message, got, expected, what, likely, otherwise):
    got, expected = np.asarray(got, dtype=np.float64), np.asarray(expected, dtype=np.float64)
    if got.shape == expected.shape and got.size > 1 and not np.isnan(got).any():
        mean, expected_mean = f"{np.nanmean(got):.4g}", f"{np.nanmean(expected):.4g}"
        if mean == expected_mean:
            message = message.replace(f"has mean {mean}, expected {expected_mean}; ", f"has the expected mean ({mean}) but ")
    if otherwise and not any(f": {mistake}" in message for mistake in (likely or {})):
        message += f": {otherwise}"
    return message
