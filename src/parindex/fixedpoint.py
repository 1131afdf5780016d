"""Exact fixed-point arithmetic shared by the vectorised scorer and the reference.

Float sums depend on summation order, and a rank decided by 1e-15 is a bug an
official will find. Every leaf's points are therefore quantised once to an
integer number of *ticks* (10**-point_decimals of a point) and all sums above
the leaves are exact int64 arithmetic. Input values are read at a fixed
resolution of 10**-6 (*micro* units), through one function used by both scorers,
so both see bit-identical inputs on every machine.
"""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal, localcontext

import numpy as np
import numpy.typing as npt

VALUE_DECIMALS = 6
VALUE_SCALE = 10**VALUE_DECIMALS
#: Largest accepted magnitude of an input value; keeps every product in int64.
VALUE_LIMIT = 10**9

Int64Array = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

_INT64_SAFE = 2**62


def quantize_values(
    values: FloatArray, out: Int64Array | None = None, work: FloatArray | None = None
) -> Int64Array:
    """Read float inputs at 10**-6 resolution, halves away from zero.

    Both scorers call this same function, so the reference sees exactly the
    integers the vectorised path sees. ``trunc(x·10⁶ ± 0.5)`` equals
    ``sign(x)·floor(|x|·10⁶ + 0.5)`` bit for bit (negation is exact in IEEE
    754) in three passes instead of six. ``out`` (C-contiguous, ``values``'
    shape) and ``work`` (float64, same shape) spare the temporaries: a hot
    loop passes the same buffers for every block.
    """
    scaled = np.multiply(values, float(VALUE_SCALE), out=work)
    # ``out`` serves as the float buffer of the halves until the result overwrites it.
    scaled += np.copysign(0.5, values, out=None if out is None else out.view(np.float64))
    with np.errstate(invalid="ignore"):  # NaN and huge values are rejected by the caller
        if out is None:
            return scaled.astype(np.int64)
        np.copyto(out, scaled, casting="unsafe")
    return out


def quantize_value(value: float) -> int:
    """Scalar form of :func:`quantize_values` (same arithmetic, same result)."""
    return int(quantize_values(np.array([value], dtype=np.float64))[0])


def micro_to_decimal(micro: int) -> Decimal:
    return Decimal(micro).scaleb(-VALUE_DECIMALS)


def decimal_to_ticks(value: Decimal, point_decimals: int) -> int:
    """Exact conversion of an official figure (a maximum, a band's points) to ticks.

    Raises ValueError when the figure has more decimals than the pack's precision:
    official figures are never rounded behind the author's back.
    """
    scaled = value.scaleb(point_decimals)
    if scaled != scaled.to_integral_value():
        raise ValueError(f"{value} has more than {point_decimals} decimals")
    return int(scaled)


def round_ratio_half_up(numerator: int, denominator: int) -> int:
    """round(numerator / denominator), halves away from zero, exact on Python ints."""
    if denominator <= 0:
        raise ZeroDivisionError("denominator must be positive")
    sign = -1 if numerator < 0 else 1
    return sign * ((2 * abs(numerator) + denominator) // (2 * denominator))


def div_round(
    numerator: Int64Array, denominator: Int64Array | int, mode: str = "half_up"
) -> Int64Array:
    """Vectorised round(numerator / denominator) for positive denominators.

    ``half_up`` rounds halves away from zero (Vietnamese official practice, and
    Decimal's ROUND_HALF_UP); ``half_even`` is banker's rounding.
    """
    num = np.asarray(numerator, dtype=np.int64)
    den = np.asarray(denominator, dtype=np.int64)
    mag = np.abs(num)
    quotient, remainder = np.divmod(mag, den)
    twice = 2 * remainder
    if mode == "half_up":
        bump = twice >= den
    elif mode == "half_even":
        bump = (twice > den) | ((twice == den) & (quotient % 2 == 1))
    else:
        raise ValueError(f"unknown rounding mode {mode!r}")
    result = quotient + bump.astype(np.int64)
    return np.where(num < 0, -result, result)


def _bounds(array: Int64Array) -> tuple[int, int]:
    if array.size == 0:
        return 0, 0
    return int(array.min()), int(array.max())


def halves_away_quotient(
    twice: FloatArray, denominator: FloatArray | float, negative: bool = True
) -> FloatArray:
    """``(2n + copysign(d, 2n)) / 2d`` from ``twice`` = 2n: truncated, round(n / d) halves away.

    For integers with ``2·|n| + d < 2**53`` and ``d > 0``: numerator and
    denominator are exact floats, and a correctly rounded quotient of them cannot
    cross an integer (a non-integer ratio lies at least ``1/2d`` from one, more
    than half an ulp), so truncating it (``np.trunc``, or ``astype`` to an integer
    type) gives the rounded ratio exactly. Callers check the bound. Float division
    is several times faster than int64 ``divmod`` in numpy. ``twice`` is
    overwritten and returned; pass ``negative=False`` when no ``n`` is negative.
    """
    if negative:
        twice += np.copysign(denominator, twice)
    else:
        twice += denominator
    twice /= np.multiply(denominator, 2.0)
    return twice


#: Float arithmetic on integers is exact below this bound (with a factor 2 to spare).
FLOAT_EXACT = 2**52


def mul_div_round(a: Int64Array, b: Int64Array | int, c: Int64Array | int) -> Int64Array:
    """Exact round_half_up(a * b / c) for c > 0, without int64 overflow.

    Uses exact float division when the operands are small enough (the usual
    case, and several times faster), int64 when the product provably fits,
    otherwise Python integers for the affected block (very large input values).
    """
    a_arr = np.asarray(a, dtype=np.int64)
    b_arr = np.asarray(b, dtype=np.int64)
    c_arr = np.asarray(c, dtype=np.int64)
    a_low, a_high = _bounds(a_arr)
    b_low, b_high = _bounds(b_arr)
    c_low, c_high = _bounds(c_arr)
    a_max = max(-a_low, a_high)
    b_max = max(-b_low, b_high)
    if c_low > 0 and 2 * a_max * b_max + c_high < FLOAT_EXACT:
        twice = np.multiply(a_arr, 2.0 * b_arr)
        negative = a_low < 0 or b_low < 0
        return halves_away_quotient(twice, c_arr.astype(np.float64), negative).astype(np.int64)
    if a_max * b_max < _INT64_SAFE:
        return div_round(a_arr * b_arr, c_arr)
    shape = np.broadcast_shapes(a_arr.shape, b_arr.shape, c_arr.shape)
    flat_a = np.broadcast_to(a_arr, shape).astype(object).ravel()
    flat_b = np.broadcast_to(b_arr, shape).astype(object).ravel()
    flat_c = np.broadcast_to(c_arr, shape).astype(object).ravel()
    out = [
        round_ratio_half_up(int(x) * int(y), int(z))
        for x, y, z in zip(flat_a, flat_b, flat_c, strict=True)
    ]
    return np.array(out, dtype=np.int64).reshape(shape)


def quantize_decimal(value: Decimal, decimals: int, mode: str = "half_up") -> Decimal:
    """Round a Decimal to ``decimals`` places with the pack's rounding mode.

    The one rounding of a figure that is shown: published points, indices, means,
    and every figure a writer or screen formats (``half_up``: halves away from zero,
    as Vietnamese documents round; ``half_even`` where a pack says so; never Python's
    ``round``/``format``, which round halves to even). A zero has no sign: -0.001
    rounds to 0.00, never "-0.00".
    """
    if mode not in ROUNDING_MODES:
        raise ValueError(f"unknown rounding mode {mode!r}")
    rounding = ROUND_HALF_UP if mode == "half_up" else ROUND_HALF_EVEN
    with localcontext() as ctx:
        ctx.prec = 80
        rounded = value.quantize(Decimal(1).scaleb(-decimals), rounding=rounding)
    return rounded.copy_abs() if rounded.is_zero() else rounded


#: The rounding modes a pack may name.
ROUNDING_MODES = ("half_up", "half_even")


def ticks_to_decimal(ticks: int, point_decimals: int) -> Decimal:
    return Decimal(int(ticks)).scaleb(-point_decimals)
