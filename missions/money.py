"""Francs CFP: parity with the euro, rounding and display."""

from decimal import ROUND_HALF_UP, Decimal

# 1,000 XPF = 8.38 EUR exactly (IEOM).
EUR_PER_1000_XPF = Decimal("8.38")
CENT = Decimal("0.01")
FRANC = Decimal("1")


def eur_to_xpf(amount_eur):
    """A euro amount converted at parity, rounded to the cent of franc."""
    return (Decimal(amount_eur) * 1000 / EUR_PER_1000_XPF).quantize(CENT, ROUND_HALF_UP)


def xpf_to_eur(amount_xpf):
    """The euro equivalent of an XPF amount, to the cent (information only)."""
    return (Decimal(amount_xpf) * EUR_PER_1000_XPF / 1000).quantize(CENT, ROUND_HALF_UP)


def round_franc(amount):
    """A line amount: half-up to the whole franc."""
    return int(Decimal(amount).quantize(FRANC, ROUND_HALF_UP))


def format_xpf(amount, decimals=False):
    """'22 076 XPF' with a narrow no-break space as thousands separator (French usage)."""
    value = Decimal(amount)
    text = f"{value:,.2f}" if decimals else f"{round_franc(value):,}"
    text = text.replace(",", "\u202f").replace(".", ",")
    return f"{text}\u00a0XPF"


def format_eur(amount):
    text = f"{Decimal(amount):,.2f}".replace(",", "\u202f").replace(".", ",")
    return f"{text}\u00a0€"


def mask_iban(iban):
    """An IBAN as staff screens show it: country and check digits, last four."""
    return f"{iban[:4]} •••• {iban[-4:]}" if iban else ""
