"""Spanish, French and Italian: dates, months, weekdays and the deictic days, against an invented
report dated Thursday 5 February 2026."""

from __future__ import annotations

from datetime import datetime

import pytest

from ..support.timex import values

THURSDAY = datetime(2026, 2, 5, 9, 30)


@pytest.mark.parametrize(
    ("language", "sentence", "span", "value"),
    [
        ("es", "El acuerdo se firmó el 3 de febrero de 2026 en Lima.", "3 de febrero de 2026", "2026-02-03"),
        ("es", "La huelga empezó en agosto de 2025.", "agosto de 2025", "2025-08"),
        ("es", "El ministro llegó el martes a Quito.", "martes", "2026-02-03"),
        ("es", "La planta cerró en noviembre.", "noviembre", "2025-11"),
        ("es", "Ayer se votó la ley.", "Ayer", "2026-02-04"),
        # 'mañana' is tomorrow, and also the morning: a word may be of two kinds.
        ("es", "El ministro llegará mañana a Quito.", "mañana", "2026-02-06"),
        ("es", "Hoy en día nadie lo duda.", "Hoy en día", "PRESENT_REF"),
        ("es", "El puerto reabrió hace tres días.", "hace tres días", "2026-02-02"),
        ("es", "Los precios subieron el año pasado.", "el año pasado", "2025"),
        ("fr", "L'accord a été signé le 3 février 2026 à Paris.", "3 février 2026", "2026-02-03"),
        ("fr", "La grève a commencé en août 2025.", "août 2025", "2025-08"),
        ("fr", "Le ministre est arrivé mardi à Lyon.", "mardi", "2026-02-03"),
        ("fr", "L'usine a fermé en novembre.", "novembre", "2025-11"),
        ("fr", "Hier, le vote a eu lieu.", "Hier", "2026-02-04"),
        ("fr", "Le port a rouvert il y a trois jours.", "il y a trois jours", "2026-02-02"),
        ("fr", "Les prix ont augmenté l'année dernière.", "l'année dernière", "2025"),
        ("it", "L'accordo è stato firmato il 3 febbraio 2026 a Roma.", "3 febbraio 2026", "2026-02-03"),
        ("it", "Lo sciopero è iniziato ad agosto 2025.", "agosto 2025", "2025-08"),
        ("it", "Il ministro è arrivato martedì a Milano.", "martedì", "2026-02-03"),
        ("it", "La fabbrica ha chiuso a novembre.", "novembre", "2025-11"),
        ("it", "Ieri è stata votata la legge.", "Ieri", "2026-02-04"),
        ("it", "Il porto ha riaperto tre giorni fa.", "tre giorni fa", "2026-02-02"),
        ("it", "I prezzi sono saliti l'anno scorso.", "l'anno scorso", "2025"),
    ],
)
def test_dates_weekdays_and_months_in_spanish_french_and_italian(
    language: str, sentence: str, span: str, value: str
) -> None:
    assert values(sentence, THURSDAY, language)[span] == value


@pytest.mark.parametrize(
    ("language", "sentence", "span", "value"),
    [
        ("es", "La reunión será el próximo lunes.", "próximo lunes", "2026-02-09"),
        ("fr", "Le sommet aura lieu lundi prochain.", "lundi prochain", "2026-02-09"),
        ("it", "Il vertice si terrà lunedì prossimo.", "lunedì prossimo", "2026-02-09"),
        ("es", "Estuvo detenido durante cinco meses.", "cinco meses", "P5M"),
        ("fr", "Il a été détenu pendant plus de cinq mois.", "plus de cinq mois", "P5M"),
        ("it", "È rimasto in mare per 23 ore.", "23 ore", "PT23H"),
    ],
)
def test_next_weekdays_and_durations(language: str, sentence: str, span: str, value: str) -> None:
    assert values(sentence, THURSDAY, language)[span] == value


def test_a_language_without_rules_of_its_own_is_read_with_the_english_ones() -> None:
    assert values("Het verdrag van 2020 werd op 2026-02-03 getekend.", THURSDAY, "nl") == {
        "2020": "2020",
        "2026-02-03": "2026-02-03",
    }
