"""Texts of the date parser (`handlers/dates.py`): what went wrong, with a form that works.

`date.weekday.*` are the weekday names that `DateParseError.localized_params` puts into
`{given_weekday}` and `{actual_weekday}`.
"""

NL = {
    "date.empty": "Geef een datum op, bijvoorbeeld morgen 14u, di 16/3 of 15 maart.",
    "date.unreadable": (
        "Ik begrijp de datum “{text}” niet. Schrijf bijvoorbeeld di 16/3 14u, 15 maart of "
        "volgende dinsdag."
    ),
    "date.no_such_day": (
        "De dag “{text}” bestaat niet. Kijk de datum na, bijvoorbeeld 28/2 of 30 april."
    ),
    "date.bad_time": "Het uur “{text}” bestaat niet. Schrijf bijvoorbeeld 14u, 14u30 of 9:15.",
    "date.weekday_mismatch": (
        "{date} valt op een {actual_weekday}, niet op een {given_weekday}. Kijk de datum na of "
        "laat de weekdag weg, bijvoorbeeld {short}."
    ),
    "date.out_of_range": (
        "De datum “{text}” ligt te ver weg. Kies een datum binnen enkele jaren, bijvoorbeeld "
        "over 2 weken."
    ),
    "date.weekday.monday": "maandag",
    "date.weekday.tuesday": "dinsdag",
    "date.weekday.wednesday": "woensdag",
    "date.weekday.thursday": "donderdag",
    "date.weekday.friday": "vrijdag",
    "date.weekday.saturday": "zaterdag",
    "date.weekday.sunday": "zondag",
}

EN = {
    "date.empty": "Please give a date, for example tomorrow 2pm, Tue 16/3 or 15 March.",
    "date.unreadable": (
        "I can't read the date “{text}”. Write for example Tue 16/3 2pm, 15 March or next Tuesday."
    ),
    "date.no_such_day": (
        "There is no such day as “{text}”. Check the date, for example 28/2 or 30 April."
    ),
    "date.bad_time": "“{text}” is not a valid time. Write for example 14:00, 2:30pm or 9am.",
    "date.weekday_mismatch": (
        "{date} is a {actual_weekday}, not a {given_weekday}. Check the date or leave out the "
        "weekday, for example {short}."
    ),
    "date.out_of_range": (
        "The date “{text}” is too far away. Pick a date within a few years, for example in 2 weeks."
    ),
    "date.weekday.monday": "Monday",
    "date.weekday.tuesday": "Tuesday",
    "date.weekday.wednesday": "Wednesday",
    "date.weekday.thursday": "Thursday",
    "date.weekday.friday": "Friday",
    "date.weekday.saturday": "Saturday",
    "date.weekday.sunday": "Sunday",
}

FR = {
    "date.empty": "Indiquez une date, par exemple demain 14h, mardi 16/3 ou 15 mars.",
    "date.unreadable": (
        "Je ne comprends pas la date « {text} ». Écrivez par exemple mardi 16/3 14h, 15 mars "
        "ou mardi prochain."
    ),
    "date.no_such_day": (
        "Le jour « {text} » n'existe pas. Vérifiez la date, par exemple 28/2 ou 30 avril."
    ),
    "date.bad_time": "L'heure « {text} » n'existe pas. Écrivez par exemple 14h, 14h30 ou 9:15.",
    "date.weekday_mismatch": (
        "Le {date} est un {actual_weekday}, pas un {given_weekday}. Vérifiez la date ou "
        "omettez le jour, par exemple {short}."
    ),
    "date.out_of_range": (
        "La date « {text} » est trop lointaine. Choisissez une date dans les prochaines années, "
        "par exemple dans 2 semaines."
    ),
    "date.weekday.monday": "lundi",
    "date.weekday.tuesday": "mardi",
    "date.weekday.wednesday": "mercredi",
    "date.weekday.thursday": "jeudi",
    "date.weekday.friday": "vendredi",
    "date.weekday.saturday": "samedi",
    "date.weekday.sunday": "dimanche",
}
