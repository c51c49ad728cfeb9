"""Texts of the meeting poll (/datumprikker, /sluit and the poll's buttons)."""

NL = {
    "poll.title": "🗓 <b>Datumprikker {number}</b>: wanneer vergaderen we?",
    "poll.instructions": "Duid per moment aan: ✅ kan, ❔ als het moet, ❌ kan niet. Antwoorden kan tot {deadline}.",
    "poll.option": "<b>{position}. {when}</b>",
    "poll.missing": "Nog geen antwoord van: {names}",
    "poll.all_answered": "Alle gemeenten hebben geantwoord.",
    "poll.closed_title": "🗓 <b>Datumprikker {number}</b> (gesloten)",
    "poll.closed_winner": "Gekozen: <b>{when}</b> (vergadering {meeting}).",
    "poll.closed_none": "Geen vergadering: niemand kon op een van deze momenten.",
    "poll.button_close": "🔒 Sluiten",
    "poll.vote_recorded": "Genoteerd: {mark} voor {when}.",
    "poll.vote_unchanged": "Dat had je al geantwoord: {mark} voor {when}.",
    "poll.closing": "De datumprikker wordt gesloten.",
    "poll.usage": (
        "Geef de momenten, gescheiden door een puntkomma, en eventueel een uiterste datum na |. "
        "Bijvoorbeeld: /datumprikker di 9/3 14u; do 11/3 10u; ma 15/3 13u30 | tegen vr 5/3 12u"
    ),
    "poll.too_many": "Hoogstens {limit} momenten per datumprikker; je gaf er {count}.",
    "poll.option_unreadable": "Moment {position} begrijp ik niet. {problem}",
    "poll.option_needs_time": "Moment {position} (“{text}”) heeft geen uur. Schrijf bijvoorbeeld di 9/3 14u of do 11/3 10u30.",
    "poll.option_past": "Moment {position} ligt in het verleden. Kies momenten die nog moeten komen.",
    "poll.option_duplicate": "Moment {position} is hetzelfde als moment {first}. Geef elk moment één keer.",
    "poll.deadline_unreadable": "De uiterste datum begrijp ik niet. {problem}",
    "poll.deadline_past": "De uiterste datum ligt in het verleden. Kies een moment dat nog moet komen, of laat hem weg.",
    "poll.deadline_after_option": "De uiterste datum moet vóór het vroegste moment liggen, anders stemt men over een voorbije datum.",
    "poll.unknown": "Deze datumprikker bestaat niet (meer) in deze groep. Er is niets veranderd.",
    "poll.unknown_number": "Datumprikker {number} bestaat niet in deze cluster.",
    "poll.closed": "Datumprikker {number} is gesloten; je antwoord verandert niets meer.",
    "poll.deadline_passed": "De uiterste datum van datumprikker {number} is voorbij; hij wordt zo gesloten.",
    "poll.already_closed": "Datumprikker {number} is al gesloten.",
    "poll.none_open": "Er is geen open datumprikker. Start er een met /datumprikker.",
    "poll.which": "Er zijn {count} datumprikkers open:\n{polls}\nZeg welke je sluit, bijvoorbeeld /sluit {example}",
    "poll.which_line": "• {number}: {options}",
    "poll.close_usage": "Gebruik: /sluit, of /sluit 3 voor datumprikker 3.",
    "poll.announce_winner": "🗓 Datumprikker {number} is gesloten. We vergaderen op <b>{when}</b> ({yes} ✅, {maybe} ❔).",
    "poll.announce_host": "Voorgestelde gastgemeente: <b>{host}</b> (die het langst geleden ontving).",
    "poll.announce_next": "Dit is vergadering {meeting}: zie /vergaderingen, en zet punten op de agenda met /agenda.",
    "poll.announce_none": (
        "🗓 Datumprikker {number} is gesloten. Niemand kan op een van de voorgestelde momenten, "
        "dus er komt geen vergadering. Stel nieuwe momenten voor met /datumprikker."
    ),
}

EN = {
    "poll.title": "🗓 <b>Meeting poll {number}</b>: when shall we meet?",
    "poll.instructions": "Mark each moment: ✅ yes, ❔ if need be, ❌ no. You can answer until {deadline}.",
    "poll.option": "<b>{position}. {when}</b>",
    "poll.missing": "No answer yet from: {names}",
    "poll.all_answered": "Every municipality has answered.",
    "poll.closed_title": "🗓 <b>Meeting poll {number}</b> (closed)",
    "poll.closed_winner": "Chosen: <b>{when}</b> (meeting {meeting}).",
    "poll.closed_none": "No meeting: nobody could make any of these moments.",
    "poll.button_close": "🔒 Close",
    "poll.vote_recorded": "Noted: {mark} for {when}.",
    "poll.vote_unchanged": "You had already answered {mark} for {when}.",
    "poll.closing": "Closing the poll.",
    "poll.usage": (
        "Give the moments, separated by semicolons, and optionally a deadline after |. "
        "For example: /meetingpoll Tue 9/3 2pm; Thu 11/3 10am; Mon 15/3 1:30pm | by Fri 5/3 12:00"
    ),
    "poll.too_many": "At most {limit} moments per poll; you gave {count}.",
    "poll.option_unreadable": "I can't read moment {position}. {problem}",
    "poll.option_needs_time": "Moment {position} (“{text}”) has no time. Write for example Tue 9/3 2pm or Thu 11/3 10:30.",
    "poll.option_past": "Moment {position} is in the past. Choose moments still to come.",
    "poll.option_duplicate": "Moment {position} is the same as moment {first}. Give each moment once.",
    "poll.deadline_unreadable": "I can't read the deadline. {problem}",
    "poll.deadline_past": "The deadline is in the past. Choose a moment still to come, or leave it out.",
    "poll.deadline_after_option": "The deadline must come before the earliest moment, or people would vote on a date gone by.",
    "poll.unknown": "This poll does not exist (any more) in this group. Nothing was changed.",
    "poll.unknown_number": "There is no poll {number} in this cluster.",
    "poll.closed": "Poll {number} is closed; your answer no longer changes anything.",
    "poll.deadline_passed": "The deadline of poll {number} has passed; it is about to close.",
    "poll.already_closed": "Poll {number} is already closed.",
    "poll.none_open": "There is no open poll. Start one with /meetingpoll.",
    "poll.which": "{count} polls are open:\n{polls}\nSay which one to close, for example /close {example}",
    "poll.which_line": "• {number}: {options}",
    "poll.close_usage": "Usage: /close, or /close 3 for poll 3.",
    "poll.announce_winner": "🗓 Poll {number} is closed. We meet on <b>{when}</b> ({yes} ✅, {maybe} ❔).",
    "poll.announce_host": "Proposed host: <b>{host}</b> (who hosted longest ago).",
    "poll.announce_next": "This is meeting {meeting}: see /meetings, and add points to the agenda with /agenda.",
    "poll.announce_none": (
        "🗓 Poll {number} is closed. Nobody can make any of the proposed moments, so there will "
        "be no meeting. Propose new moments with /meetingpoll."
    ),
}

FR = {
    "poll.title": "🗓 <b>Sondage {number}</b> : quand nous réunissons-nous ?",
    "poll.instructions": "Indiquez pour chaque moment : ✅ oui, ❔ si nécessaire, ❌ non. Réponses possibles jusqu'au {deadline}.",
    "poll.option": "<b>{position}. {when}</b>",
    "poll.missing": "Pas encore de réponse de : {names}",
    "poll.all_answered": "Toutes les communes ont répondu.",
    "poll.closed_title": "🗓 <b>Sondage {number}</b> (clôturé)",
    "poll.closed_winner": "Choisi : <b>{when}</b> (réunion {meeting}).",
    "poll.closed_none": "Pas de réunion : personne n'était disponible à ces moments.",
    "poll.button_close": "🔒 Clôturer",
    "poll.vote_recorded": "Noté : {mark} pour {when}.",
    "poll.vote_unchanged": "Vous aviez déjà répondu {mark} pour {when}.",
    "poll.closing": "Clôture du sondage.",
    "poll.usage": (
        "Donnez les moments, séparés par des points-virgules, et éventuellement une date limite "
        "après |. Par exemple : /datumprikker mardi 9/3 14h; jeudi 11/3 10h | avant vendredi 5/3 12h"
    ),
    "poll.too_many": "Au plus {limit} moments par sondage ; vous en avez donné {count}.",
    "poll.option_unreadable": "Je ne comprends pas le moment {position}. {problem}",
    "poll.option_needs_time": "Le moment {position} (« {text} ») n'a pas d'heure. Écrivez par exemple mardi 9/3 14h ou jeudi 11/3 10h30.",
    "poll.option_past": "Le moment {position} est dans le passé. Choisissez des moments à venir.",
    "poll.option_duplicate": "Le moment {position} est identique au moment {first}. Donnez chaque moment une seule fois.",
    "poll.deadline_unreadable": "Je ne comprends pas la date limite. {problem}",
    "poll.deadline_past": "La date limite est dans le passé. Choisissez un moment à venir, ou omettez-la.",
    "poll.deadline_after_option": "La date limite doit précéder le premier moment, sinon on voterait pour une date passée.",
    "poll.unknown": "Ce sondage n'existe pas (ou plus) dans ce groupe. Rien n'a changé.",
    "poll.unknown_number": "Le sondage {number} n'existe pas dans ce cluster.",
    "poll.closed": "Le sondage {number} est clôturé ; votre réponse ne change plus rien.",
    "poll.deadline_passed": "La date limite du sondage {number} est passée ; il va être clôturé.",
    "poll.already_closed": "Le sondage {number} est déjà clôturé.",
    "poll.none_open": "Aucun sondage n'est ouvert. Lancez-en un avec /datumprikker.",
    "poll.which": "{count} sondages sont ouverts :\n{polls}\nDites lequel clôturer, par exemple /sluit {example}",
    "poll.which_line": "• {number} : {options}",
    "poll.close_usage": "Utilisation : /sluit, ou /sluit 3 pour le sondage 3.",
    "poll.announce_winner": "🗓 Le sondage {number} est clôturé. Nous nous réunissons le <b>{when}</b> ({yes} ✅, {maybe} ❔).",
    "poll.announce_host": "Commune d'accueil proposée : <b>{host}</b> (celle qui a accueilli il y a le plus longtemps).",
    "poll.announce_next": "C'est la réunion {meeting} : voir /vergaderingen, et ajoutez des points à l'ordre du jour avec /agenda.",
    "poll.announce_none": (
        "🗓 Le sondage {number} est clôturé. Personne n'est disponible aux moments proposés, il "
        "n'y aura donc pas de réunion. Proposez de nouveaux moments avec /datumprikker."
    ),
}
