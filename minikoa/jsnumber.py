"""How JavaScript lays out a finite, non-zero double as text (ECMAScript's Number::toString).

Shared by the JSON encoder (``http.jsnumbers``) and the field types that
quote numbers as Strapi's messages do (``content.fields.js``), which sit in
layers that may not import each other.
"""

from __future__ import annotations

from decimal import Decimal

__all__ = ["layout"]


def layout(value: float) -> str:
    """``value`` (finite, not zero) as JavaScript writes it: 1e21 -> "1e+21", 1e-7 -> "1e-7", 0.5 -> "0.5"."""
    sign = "-" if value < 0 else ""
    # repr's digits are the shortest that read back as the same double, which is what JavaScript
    # prints too; only the layout differs. value = 0.DIGITS * 10**point.
    _, raw, exponent = Decimal(repr(abs(value))).as_tuple()
    assert isinstance(exponent, int)  # finite
    digits = "".join(map(str, raw)).rstrip("0") or "0"
    point = len(raw) + exponent
    if len(digits) <= point <= 21:
        return sign + digits + "0" * (point - len(digits))
    if 0 < point <= 21:
        return sign + digits[:point] + "." + digits[point:]
    if -6 < point <= 0:
        return sign + "0." + "0" * -point + digits
    mantissa = digits[0] + ("." + digits[1:] if len(digits) > 1 else "")
    return f"{sign}{mantissa}e{'+' if point > 0 else '-'}{abs(point - 1)}"
