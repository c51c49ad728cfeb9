"""Texts of the scheduled nudges and the buttons under them."""

NL = {
    "nudges.agreement_before": "⏰ <b>Herinnering</b>: afspraak {number} is tegen {date}.",
    "nudges.agreement_due": "📌 <b>Deadline</b>: afspraak {number} is tegen {date}.",
    "nudges.agreement_overdue": "⚠️ <b>Te laat</b>: afspraak {number} was tegen {date}.",
    "nudges.agreement_text": "<i>{text}</i>",
    "nudges.who_owner": "Voor: {owner}",
    "nudges.who_owner_place": "Voor: {owner} ({place})",
    "nudges.who_place": "Voor: gemeente {place}",
    "nudges.agreement_hint": (
        "Klaar? Druk op ✅ of typ /klaar {number}. Meer tijd nodig? ⏰ +1 week, of /uitstel {number} DATUM."
    ),
    "nudges.button_done": "✅ Klaar",
    "nudges.button_later": "⏰ +1 week",
    "nudges.escalation": (
        "⚠️ <b>{cluster}</b>: afspraak {number} (tegen {date}) is na drie herinneringen nog altijd niet klaar."
    ),
    "nudges.escalation_hint": (
        "In de groep: /afspraken te laat toont alles wat te laat is; /uitstel {number} DATUM of /schrap {number} als het niet meer hoeft."
    ),
    "nudges.poll_reminder": "🗳️ <b>Datumprikker {number}</b> sluit {deadline}.",
    "nudges.poll_missing": "Nog niet geantwoord: {names}.",
    "nudges.poll_all_answered": "Alle gemeenten hebben geantwoord; antwoorden wijzigen kan tot dan.",
    "nudges.meeting_day_before": "📅 <b>Vergadering {number}</b>: {when}.",
    "nudges.meeting_hour_before": "⏰ Om {time} begint <b>vergadering {number}</b>.",
    "nudges.meeting_host_location": "Gastgemeente {host}, {location}",
    "nudges.meeting_host": "Gastgemeente {host}",
    "nudges.meeting_location": "Locatie: {location}",
    "nudges.meeting_agenda": "<b>Agenda</b>",
    "nudges.meeting_agenda_item": "{position}. {text}",
    "nudges.meeting_no_agenda": "Nog geen agendapunten: voeg er een toe met /agenda punt.",
    "nudges.button_unknown": "Deze knop ken ik niet (meer).",
    "nudges.done_answer": "Afspraak {number} is klaar. Bedankt!",
    "nudges.done_posted": "✅ Afspraak {number} is klaar, gemeld door {who}.",
    "nudges.already_moved": "Afspraak {number} is intussen al verzet naar {date}.",
    "nudges.later_answer": "Afspraak {number} is uitgesteld tot {date}.",
    "nudges.later_posted": "⏰ Afspraak {number} is uitgesteld tot {date}, door {who}.",
}

EN = {
    "nudges.agreement_before": "⏰ <b>Reminder</b>: agreement {number} is due {date}.",
    "nudges.agreement_due": "📌 <b>Deadline</b>: agreement {number} is due {date}.",
    "nudges.agreement_overdue": "⚠️ <b>Overdue</b>: agreement {number} was due {date}.",
    "nudges.agreement_text": "<i>{text}</i>",
    "nudges.who_owner": "For: {owner}",
    "nudges.who_owner_place": "For: {owner} ({place})",
    "nudges.who_place": "For: municipality of {place}",
    "nudges.agreement_hint": (
        "Done? Press ✅ or type /done {number}. Need more time? ⏰ +1 week, or /postpone {number} DATE."
    ),
    "nudges.button_done": "✅ Done",
    "nudges.button_later": "⏰ +1 week",
    "nudges.escalation": (
        "⚠️ <b>{cluster}</b>: agreement {number} (due {date}) is still not done after three reminders."
    ),
    "nudges.escalation_hint": (
        "In the group: /agreements overdue shows everything overdue; /postpone {number} DATE, or /drop {number} if it is no longer needed."
    ),
    "nudges.poll_reminder": "🗳️ <b>Meeting poll {number}</b> closes {deadline}.",
    "nudges.poll_missing": "Not answered yet: {names}.",
    "nudges.poll_all_answered": "Every municipality has answered; answers can be changed until then.",
    "nudges.meeting_day_before": "📅 <b>Meeting {number}</b>: {when}.",
    "nudges.meeting_hour_before": "⏰ <b>Meeting {number}</b> starts at {time}.",
    "nudges.meeting_host_location": "Hosted by {host}, {location}",
    "nudges.meeting_host": "Hosted by {host}",
    "nudges.meeting_location": "Location: {location}",
    "nudges.meeting_agenda": "<b>Agenda</b>",
    "nudges.meeting_agenda_item": "{position}. {text}",
    "nudges.meeting_no_agenda": "No agenda items yet: add one with /agenda item.",
    "nudges.button_unknown": "I don't know this button (any more).",
    "nudges.done_answer": "Agreement {number} is done. Thank you!",
    "nudges.done_posted": "✅ Agreement {number} is done, reported by {who}.",
    "nudges.already_moved": "Agreement {number} has already been moved to {date}.",
    "nudges.later_answer": "Agreement {number} is postponed to {date}.",
    "nudges.later_posted": "⏰ Agreement {number} is postponed to {date}, by {who}.",
}

FR = {
    "nudges.agreement_before": "⏰ <b>Rappel</b> : l'accord {number} est à faire pour le {date}.",
    "nudges.agreement_due": "📌 <b>Échéance</b> : l'accord {number} est à faire pour le {date}.",
    "nudges.agreement_overdue": "⚠️ <b>En retard</b> : l'accord {number} était à faire pour le {date}.",
    "nudges.agreement_text": "<i>{text}</i>",
    "nudges.who_owner": "Pour : {owner}",
    "nudges.who_owner_place": "Pour : {owner} ({place})",
    "nudges.who_place": "Pour : la commune de {place}",
    "nudges.agreement_hint": (
        "Terminé ? Appuyez sur ✅ ou tapez /klaar {number}. Besoin de plus de temps ? ⏰ +1 semaine, ou /uitstel {number} DATE."
    ),
    "nudges.button_done": "✅ Terminé",
    "nudges.button_later": "⏰ +1 semaine",
    "nudges.escalation": (
        "⚠️ <b>{cluster}</b> : l'accord {number} (pour le {date}) n'est toujours pas terminé après trois rappels."
    ),
    "nudges.escalation_hint": (
        "Dans le groupe : /afspraken te laat montre tout ce qui est en retard ; /uitstel {number} DATE, ou /schrap {number} s'il n'est plus nécessaire."
    ),
    "nudges.poll_reminder": "🗳️ Le <b>sondage de date {number}</b> se ferme le {deadline}.",
    "nudges.poll_missing": "Pas encore répondu : {names}.",
    "nudges.poll_all_answered": "Toutes les communes ont répondu ; les réponses peuvent encore changer jusque-là.",
    "nudges.meeting_day_before": "📅 <b>Réunion {number}</b> : {when}.",
    "nudges.meeting_hour_before": "⏰ La <b>réunion {number}</b> commence à {time}.",
    "nudges.meeting_host_location": "Commune hôte {host}, {location}",
    "nudges.meeting_host": "Commune hôte {host}",
    "nudges.meeting_location": "Lieu : {location}",
    "nudges.meeting_agenda": "<b>Ordre du jour</b>",
    "nudges.meeting_agenda_item": "{position}. {text}",
    "nudges.meeting_no_agenda": "Pas encore de points à l'ordre du jour : ajoutez-en un avec /agenda point.",
    "nudges.button_unknown": "Je ne connais pas (plus) ce bouton.",
    "nudges.done_answer": "L'accord {number} est terminé. Merci !",
    "nudges.done_posted": "✅ L'accord {number} est terminé, signalé par {who}.",
    "nudges.already_moved": "L'accord {number} a déjà été reporté au {date}.",
    "nudges.later_answer": "L'accord {number} est reporté au {date}.",
    "nudges.later_posted": "⏰ L'accord {number} est reporté au {date}, par {who}.",
}
