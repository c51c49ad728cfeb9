"""Texts of `/instellingen`: the schedule settings of a cluster."""

NL = {
    "settings.title": "⚙️ <b>Instellingen van {cluster}</b>",
    "settings.line_digest": "Weekoverzicht: {value}",
    "settings.line_reminders": "Herinneringen: {value}",
    "settings.line_lead": "Eerste herinnering: {days} werkdag(en) voor de deadline",
    "settings.line_quiet": "Stille uren: {value}",
    "settings.line_days_off": "Extra vrije dagen: {value}",
    "settings.line_fixed": "Nooit op zaterdag, zondag of een Belgische feestdag.",
    "settings.how": (
        "Wijzigen: /instellingen overzicht maandag 9u · overzicht uit · overzicht hier · "
        "herinnering 2 · herinneringen uit · stil 18u-8u · vrij 11/7 · vrij - 11/7"
    ),
    "settings.digest_on": "{day} om {time}, {where}",
    "settings.digest_off": "uit",
    "settings.where_general": "in General",
    "settings.where_group": "in de groep",
    "settings.where_here": "in dit topic",
    "settings.where_topic": "in een ander topic",
    "settings.reminders_on": "aan",
    "settings.reminders_off": "uit",
    "settings.quiet_on": "{start}–{end}",
    "settings.quiet_off": "geen",
    "settings.none": "geen",
    "settings.unchanged": "Dat was al zo ingesteld; er verandert niets.",
    "settings.done_digest": "Het weekoverzicht komt voortaan op {day} om {time}.",
    "settings.done_digest_off": "Het weekoverzicht staat uit. Aanzetten: /instellingen overzicht maandag 9u",
    "settings.done_digest_here": "Het weekoverzicht komt voortaan in dit topic.",
    "settings.done_digest_general": "Het weekoverzicht komt voortaan in General.",
    "settings.done_reminders_on": "Herinneringen staan aan.",
    "settings.done_reminders_off": "Herinneringen staan uit: ik stuur geen herinneringen meer over afspraken.",
    "settings.done_lead": "De eerste herinnering komt voortaan {days} werkdag(en) voor de deadline.",
    "settings.done_quiet": "Stille uren: {start}–{end}. Dan stuur ik niets (behalve het uur voor een vergadering).",
    "settings.done_quiet_off": "Er zijn geen stille uren meer.",
    "settings.done_day_added": "Genoteerd als extra vrije dag, elk jaar. Vrije dagen nu: {list}",
    "settings.done_day_removed": "Geen extra vrije dag meer. Vrije dagen nu: {list}",
    "settings.unknown": (
        "Instelling {text} ken ik niet. Kies uit: overzicht, herinnering, herinneringen, stil, vrij. "
        "Voorbeeld: /instellingen overzicht maandag 9u"
    ),
    "settings.digest_usage": (
        "Zo stel je het weekoverzicht in: /instellingen overzicht maandag 9u, overzicht uit of overzicht hier."
    ),
    "settings.reminder_usage": (
        "Geef het aantal werkdagen voor de deadline: /instellingen herinnering 2 (of herinneringen uit/aan)."
    ),
    "settings.quiet_usage": "Geef begin en einde van de stille uren: /instellingen stil 18u-8u (of stil uit).",
    "settings.day_usage": "Welke dag? Bijvoorbeeld /instellingen vrij 11/7 (of vrij - 11/7 om hem te schrappen).",
    "settings.bad_time": "{text} lees ik niet als uur. Schrijf bijvoorbeeld 9u, 9u30 of 09:00.",
    "settings.day_invalid": "Dag {day}/{month} bestaat niet. Schrijf dag/maand, bijvoorbeeld 11/7.",
    "settings.day_already": "{day} is al een extra vrije dag.",
    "settings.day_not_off": "{day} staat niet bij de extra vrije dagen (nu: {days}).",
    "settings.digest_weekend": "Op zaterdag en zondag stuur ik niets. Kies een werkdag, bijvoorbeeld /instellingen overzicht maandag 9u",
    "settings.digest_in_quiet": (
        "Het weekoverzicht om {time} zou in de stille uren ({start}–{end}) vallen. Kies een ander uur of andere stille uren."
    ),
    "settings.lead_range": "{given} werkdagen kan niet: kies 0 tot {limit} (0 = alleen op de dag zelf).",
}

EN = {
    "settings.title": "⚙️ <b>Settings of {cluster}</b>",
    "settings.line_digest": "Weekly overview: {value}",
    "settings.line_reminders": "Reminders: {value}",
    "settings.line_lead": "First reminder: {days} working day(s) before the due date",
    "settings.line_quiet": "Quiet hours: {value}",
    "settings.line_days_off": "Extra days off: {value}",
    "settings.line_fixed": "Never on Saturdays, Sundays or Belgian public holidays.",
    "settings.how": (
        "Change: /settings digest monday 9:00 · digest off · digest here · reminder 2 · "
        "reminders off · quiet 18:00-8:00 · off 11/7 · off - 11/7"
    ),
    "settings.digest_on": "{day} at {time}, {where}",
    "settings.digest_off": "off",
    "settings.where_general": "in General",
    "settings.where_group": "in the group",
    "settings.where_here": "in this topic",
    "settings.where_topic": "in another topic",
    "settings.reminders_on": "on",
    "settings.reminders_off": "off",
    "settings.quiet_on": "{start}–{end}",
    "settings.quiet_off": "none",
    "settings.none": "none",
    "settings.unchanged": "That was already the setting; nothing changes.",
    "settings.done_digest": "The weekly overview now comes on {day} at {time}.",
    "settings.done_digest_off": "The weekly overview is off. Turn it on: /settings digest monday 9:00",
    "settings.done_digest_here": "The weekly overview now comes in this topic.",
    "settings.done_digest_general": "The weekly overview now comes in General.",
    "settings.done_reminders_on": "Reminders are on.",
    "settings.done_reminders_off": "Reminders are off: I will no longer send reminders about agreements.",
    "settings.done_lead": "The first reminder now comes {days} working day(s) before the due date.",
    "settings.done_quiet": "Quiet hours: {start}–{end}. I send nothing then (except the hour before a meeting).",
    "settings.done_quiet_off": "There are no quiet hours any more.",
    "settings.done_day_added": "Noted as an extra day off, every year. Days off now: {list}",
    "settings.done_day_removed": "No longer an extra day off. Days off now: {list}",
    "settings.unknown": (
        "I don't know the setting {text}. Choose from: digest, reminder, reminders, quiet, off. "
        "Example: /settings digest monday 9:00"
    ),
    "settings.digest_usage": "To set the weekly overview: /settings digest monday 9:00, digest off or digest here.",
    "settings.reminder_usage": "Give the number of working days before the due date: /settings reminder 2 (or reminders off/on).",
    "settings.quiet_usage": "Give the start and end of the quiet hours: /settings quiet 18:00-8:00 (or quiet off).",
    "settings.day_usage": "Which day? For example /settings off 11/7 (or off - 11/7 to remove it).",
    "settings.bad_time": "I can't read {text} as a time. Write for example 9:00, 9:30 or 9am.",
    "settings.day_invalid": "Day {day}/{month} does not exist. Write day/month, for example 11/7.",
    "settings.day_already": "{day} already is an extra day off.",
    "settings.day_not_off": "{day} is not one of the extra days off (now: {days}).",
    "settings.digest_weekend": "I send nothing on Saturdays and Sundays. Choose a working day, for example /settings digest monday 9:00",
    "settings.digest_in_quiet": (
        "A weekly overview at {time} would fall in the quiet hours ({start}–{end}). Choose another time or other quiet hours."
    ),
    "settings.lead_range": "{given} working days is not possible: choose 0 to {limit} (0 = only on the day itself).",
}

FR = {
    "settings.title": "⚙️ <b>Paramètres de {cluster}</b>",
    "settings.line_digest": "Aperçu hebdomadaire : {value}",
    "settings.line_reminders": "Rappels : {value}",
    "settings.line_lead": "Premier rappel : {days} jour(s) ouvrable(s) avant l'échéance",
    "settings.line_quiet": "Heures calmes : {value}",
    "settings.line_days_off": "Jours de congé en plus : {value}",
    "settings.line_fixed": "Jamais le samedi, le dimanche ou un jour férié belge.",
    "settings.how": (
        "Modifier : /instellingen overzicht maandag 9u · overzicht uit · overzicht hier · "
        "herinnering 2 · herinneringen uit · stil 18u-8u · vrij 11/7 · vrij - 11/7 "
        "(ou en anglais : digest monday 9:00, quiet 18:00-8:00, off 11/7)"
    ),
    "settings.digest_on": "{day} à {time}, {where}",
    "settings.digest_off": "désactivé",
    "settings.where_general": "dans General",
    "settings.where_group": "dans le groupe",
    "settings.where_here": "dans ce sujet",
    "settings.where_topic": "dans un autre sujet",
    "settings.reminders_on": "activés",
    "settings.reminders_off": "désactivés",
    "settings.quiet_on": "{start}–{end}",
    "settings.quiet_off": "aucune",
    "settings.none": "aucun",
    "settings.unchanged": "C'était déjà le cas ; rien ne change.",
    "settings.done_digest": "L'aperçu hebdomadaire arrive désormais le {day} à {time}.",
    "settings.done_digest_off": "L'aperçu hebdomadaire est désactivé. Le réactiver : /instellingen overzicht maandag 9u",
    "settings.done_digest_here": "L'aperçu hebdomadaire arrive désormais dans ce sujet.",
    "settings.done_digest_general": "L'aperçu hebdomadaire arrive désormais dans General.",
    "settings.done_reminders_on": "Les rappels sont activés.",
    "settings.done_reminders_off": "Les rappels sont désactivés : je n'enverrai plus de rappels sur les accords.",
    "settings.done_lead": "Le premier rappel arrive désormais {days} jour(s) ouvrable(s) avant l'échéance.",
    "settings.done_quiet": "Heures calmes : {start}–{end}. Je n'envoie rien à ces heures-là (sauf l'heure avant une réunion).",
    "settings.done_quiet_off": "Il n'y a plus d'heures calmes.",
    "settings.done_day_added": "Noté comme jour de congé en plus, chaque année. Jours de congé : {list}",
    "settings.done_day_removed": "Ce n'est plus un jour de congé en plus. Jours de congé : {list}",
    "settings.unknown": (
        "Je ne connais pas le paramètre {text}. Choisissez parmi : overzicht, herinnering, "
        "herinneringen, stil, vrij. Exemple : /instellingen overzicht maandag 9u"
    ),
    "settings.digest_usage": "Pour régler l'aperçu : /instellingen overzicht maandag 9u, overzicht uit ou overzicht hier.",
    "settings.reminder_usage": "Donnez le nombre de jours ouvrables avant l'échéance : /instellingen herinnering 2 (ou herinneringen uit/aan).",
    "settings.quiet_usage": "Donnez le début et la fin des heures calmes : /instellingen stil 18u-8u (ou stil uit).",
    "settings.day_usage": "Quel jour ? Par exemple /instellingen vrij 11/7 (ou vrij - 11/7 pour le retirer).",
    "settings.bad_time": "Je ne lis pas {text} comme une heure. Écrivez par exemple 9h, 9h30 ou 09:00.",
    "settings.day_invalid": "Le jour {day}/{month} n'existe pas. Écrivez jour/mois, par exemple 11/7.",
    "settings.day_already": "Le {day} est déjà un jour de congé en plus.",
    "settings.day_not_off": "Le {day} ne fait pas partie des jours de congé en plus (actuellement : {days}).",
    "settings.digest_weekend": "Je n'envoie rien le samedi et le dimanche. Choisissez un jour ouvrable, par exemple /instellingen overzicht maandag 9u",
    "settings.digest_in_quiet": (
        "Un aperçu à {time} tomberait pendant les heures calmes ({start}–{end}). Choisissez une autre heure ou d'autres heures calmes."
    ),
    "settings.lead_range": "{given} jours ouvrables, ce n'est pas possible : choisissez de 0 à {limit} (0 = seulement le jour même).",
}
