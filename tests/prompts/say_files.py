"""Which sound files Asterisk's main/say.c opens, per language: a model for the tests.

Follows ast_say_number_full_en / _zh, ast_say_enumeration_full_en, ast_say_date_en (SAY
DATE has no zh variant, so zh uses it too), ast_say_date_with_format_en / _zh with the
format ``ABdY`` the IVR's SayUnixTime fallback uses, say_digit_str_full and
say_character_str_full. Only the file names matter here, not the timing.
"""

from collections.abc import Iterable


def number_en(num: int) -> list[str]:
    if num == 0:
        return ["digits/0"]
    files: list[str] = []
    while num:
        if num < 20:
            files.append(f"digits/{num}")
            num = 0
        elif num < 100:
            files.append(f"digits/{num // 10 * 10}")
            num %= 10
        elif num < 1000:
            files += [f"digits/{num // 100}", "digits/hundred"]
            num %= 100
        elif num < 1_000_000:
            files += [*number_en(num // 1000), "digits/thousand"]
            num %= 1000
        else:
            files += [*number_en(num // 1_000_000), "digits/million"]
            num %= 1_000_000
    return files


def number_zh(num: int) -> list[str]:
    """Chinese counts in 万 (10^4) and 亿 (10^8), and says 零 for a skipped place."""
    if num == 0:
        return ["digits/0"]
    files: list[str] = []
    last = 0  # digits in the number before its leading place was said
    while num:
        width = len(str(num))
        if num < 1000 and last and last - width > 1:
            files.append("digits/0")
        if num < 10:
            files.append(f"digits/{num}")
            num = 0
        elif num < 100:
            files.append(f"digits/{num // 10 * 10}")
            num %= 10
        elif num < 1000:
            files += [f"digits/{num // 100}", "digits/hundred"]
            num %= 100
        elif num < 10_000:
            files += [f"digits/{num // 1000}", "digits/thousand"]
            num %= 1000
        elif num < 100_000_000:
            files += [*number_zh(num // 10_000), "digits/wan"]
            num %= 10_000
        else:
            files += [*number_zh(num // 100_000_000), "digits/yi"]
            num %= 100_000_000
        last = width
    return files


def enumeration_en(num: int) -> list[str]:
    """Ordinals up to 99 (days of the month): "twenty" "first", "thirtieth"."""
    if num < 20 or num % 10 == 0:
        return [f"digits/h-{num}"]
    return [f"digits/{num // 10 * 10}", f"digits/h-{num % 10}"]


def day_of_month_zh(day: int) -> list[str]:
    if day % 10 == 0 or day < 10:
        return [f"digits/{day}", "digits/day"]
    return [f"digits/{day - day % 10}", f"digits/{day % 10}", "digits/day"]


def year_zh(year: int) -> list[str]:
    return ["digits/2", "digits/thousand", f"digits/{year % 100 // 10}", f"digits/{year % 10}"]


NUMBER = {"en": number_en, "zh": number_zh}
WEEKDAYS = [f"digits/day-{n}" for n in range(7)]
MONTHS = [f"digits/mon-{n}" for n in range(12)]
DIGITS = [*(f"digits/{n}" for n in range(10)), "digits/star", "digits/pound", "digits/minus"]
LETTERS = [f"letters/{chr(c)}" for c in range(ord("a"), ord("z") + 1)]


def files_needed(language: str, numbers: Iterable[int], years: Iterable[int]) -> set[str]:
    """Every file SAY NUMBER (``numbers``), SAY DIGITS, SAY ALPHA, SAY DATE and
    SayUnixTime ``ABdY`` (dates in ``years``) open in ``language``."""
    number = NUMBER[language]
    needed = {*DIGITS, *LETTERS, *WEEKDAYS, *MONTHS}
    for n in numbers:
        needed.update(number(n))
    for year in years:
        needed.update(number(year))  # SAY DATE and SayUnixTime en say the year as a number
        if language == "zh":
            needed.update(year_zh(year))
            needed.add("digits/year")
    for day in range(1, 32):
        needed.update(number(day))  # SAY DATE
        needed.update(day_of_month_zh(day) if language == "zh" else enumeration_en(day))
    return needed
