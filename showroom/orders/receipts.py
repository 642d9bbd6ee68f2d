"""The amount on a receipt in Chinese capitals (人民币大写), as receipts and refund vouchers write it."""

from __future__ import annotations

from decimal import Decimal

from showroom.core.money import to_fen

DIGITS = "零壹贰叁肆伍陆柒捌玖"
UNITS = ("", "拾", "佰", "仟")
GROUPS = ("", "万", "亿", "万亿")


def _group(number: int) -> str:
    """Up to four digits with their units; zeros inside are read once ("壹仟零伍")."""
    text, pending_zero = "", False
    for position in range(3, -1, -1):
        digit = number // 10**position % 10
        if digit == 0:
            pending_zero = bool(text)
            continue
        if pending_zero:
            text += DIGITS[0]
            pending_zero = False
        text += DIGITS[digit] + UNITS[position]
    return text


def amount_in_capitals(amount: Decimal) -> str:
    """¥100,500.30 → 壹拾万零伍佰元叁角; ¥20,000 → 贰万元整; ¥0.05 → 零元伍分."""
    amount = to_fen(amount)
    if amount < 0:
        return "负" + amount_in_capitals(-amount)
    fen_total = int(amount * 100)
    yuan, jiao, fen = fen_total // 100, fen_total // 10 % 10, fen_total % 10
    groups = []
    while yuan:
        groups.append(yuan % 10000)
        yuan //= 10000
    text, pending_zero = "", False
    for index in range(len(groups) - 1, -1, -1):
        group = groups[index]
        if group == 0:
            pending_zero = bool(text)
            continue
        if text and (pending_zero or group < 1000):
            text += DIGITS[0]
        text += _group(group) + GROUPS[index]
        pending_zero = False
    text = (text or DIGITS[0]) + "元"
    if not jiao and not fen:
        return text + "整"
    if jiao:
        text += DIGITS[jiao] + "角"
    elif text != "零元":
        text += DIGITS[0]
    if fen:
        text += DIGITS[fen] + "分"
    return text
