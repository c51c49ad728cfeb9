"""Texts of /privacy, /mijngegevens and /vergeetmij."""

NL = {
    "privacy.explained": (
        "<b>Privacy</b>\n"
        "<b>Wat ik bewaar:</b> per cluster je Telegram-id, je naam en gebruikersnaam zoals Telegram ze "
        "toont, de gemeente waarvoor je werkt en je rol; daarnaast wat je zelf vastlegt (afspraken, "
        "besluiten, acties, agendapunten, leerpunten, je antwoorden op datumprikkers) en wie wat wanneer "
        "wijzigde. Gewone berichten in de groep lees en bewaar ik niet.\n"
        "<b>Waarom:</b> om afspraken aan mensen en gemeenten te koppelen, je te kunnen herinneren en de "
        "cluster een geheugen te geven.\n"
        "<b>Hoe lang:</b> zolang de cluster bestaat, of tot je /vergeetmij gebruikt.\n"
        "<b>Wie het ziet:</b> de leden van je cluster en de facilitator; de facilitator kan een export "
        "maken (CSV, agenda, jaarverslag).\n"
        "In een privégesprek met mij: /mijngegevens stuurt je alles wat ik over je bewaar, /vergeetmij "
        "wist je naam, gebruikersnaam en Telegram-id overal (je afspraken blijven, op naam van je gemeente)."
    ),
    "privacy.nothing_stored": "Ik bewaar niets over jou.",
    "privacy.my_data": "Dit is alles wat ik over je bewaar, in {clusters} cluster(s):",
    "privacy.forget_confirm": (
        "Wil je dat ik je vergeet? Ik wis je naam, gebruikersnaam en Telegram-id overal, in: {clusters}.\n"
        "Je {agreements} afspraak/afspraken blijven bestaan, op naam van je gemeente. Dit kan niet "
        "ongedaan worden gemaakt."
    ),
    "privacy.forget_yes": "✅ Ja, wis mijn gegevens",
    "privacy.forget_no": "✖ Nee, niets wissen",
    "privacy.forget_cancelled": "Niets gewist. Je gegevens blijven zoals ze waren.",
    "privacy.forgotten": (
        "Gedaan: je naam, gebruikersnaam en Telegram-id zijn gewist in {clusters} cluster(s). "
        "{agreements} afspraak/afspraken staan nu op naam van de gemeente."
    ),
}

EN = {
    "privacy.explained": (
        "<b>Privacy</b>\n"
        "<b>What I store:</b> per cluster your Telegram id, your name and username as Telegram shows "
        "them, the municipality you work for and your role; besides, what you record yourself "
        "(agreements, decisions, actions, agenda points, lessons, your answers to meeting polls) and "
        "who changed what when. I do not read or store ordinary messages in the group.\n"
        "<b>Why:</b> to tie agreements to people and municipalities, to remind you, and to give the "
        "cluster a memory.\n"
        "<b>How long:</b> as long as the cluster exists, or until you use /forgetme.\n"
        "<b>Who sees it:</b> the members of your cluster and the facilitator; the facilitator can make "
        "an export (CSV, calendar, year report).\n"
        "In a private chat with me: /mydata sends you everything I store about you, /forgetme erases "
        "your name, username and Telegram id everywhere (your agreements stay, credited to your "
        "municipality)."
    ),
    "privacy.nothing_stored": "I store nothing about you.",
    "privacy.my_data": "This is everything I store about you, in {clusters} cluster(s):",
    "privacy.forget_confirm": (
        "Do you want me to forget you? I will erase your name, username and Telegram id everywhere, "
        "in: {clusters}.\nYour {agreements} agreement(s) remain, credited to your municipality. This "
        "cannot be undone."
    ),
    "privacy.forget_yes": "✅ Yes, erase my data",
    "privacy.forget_no": "✖ No, erase nothing",
    "privacy.forget_cancelled": "Nothing erased. Your data stays as it was.",
    "privacy.forgotten": (
        "Done: your name, username and Telegram id are erased in {clusters} cluster(s). "
        "{agreements} agreement(s) are now credited to the municipality."
    ),
}

FR = {
    "privacy.explained": (
        "<b>Vie privée</b>\n"
        "<b>Ce que je conserve :</b> par cluster, votre identifiant Telegram, votre nom et nom "
        "d'utilisateur tels que Telegram les affiche, la commune pour laquelle vous travaillez et votre "
        "rôle ; en outre, ce que vous enregistrez vous-même (accords, décisions, actions, points "
        "d'ordre du jour, enseignements, vos réponses aux sondages de date) et qui a modifié quoi et "
        "quand. Je ne lis ni ne conserve les messages ordinaires du groupe.\n"
        "<b>Pourquoi :</b> pour lier les accords aux personnes et aux communes, pour vous faire des "
        "rappels et pour donner une mémoire au cluster.\n"
        "<b>Combien de temps :</b> tant que le cluster existe, ou jusqu'à ce que vous utilisiez "
        "/vergeetmij.\n"
        "<b>Qui le voit :</b> les membres de votre cluster et le facilitateur ; le facilitateur peut "
        "faire un export (CSV, calendrier, rapport annuel).\n"
        "En conversation privée avec moi : /mijngegevens vous envoie tout ce que je conserve sur vous, "
        "/vergeetmij efface partout votre nom, nom d'utilisateur et identifiant Telegram (vos accords "
        "restent, au nom de votre commune)."
    ),
    "privacy.nothing_stored": "Je ne conserve rien sur vous.",
    "privacy.my_data": "Voici tout ce que je conserve sur vous, dans {clusters} cluster(s) :",
    "privacy.forget_confirm": (
        "Voulez-vous que je vous oublie ? J'effacerai partout votre nom, nom d'utilisateur et "
        "identifiant Telegram, dans : {clusters}.\nVos {agreements} accord(s) restent, au nom de votre "
        "commune. C'est irréversible."
    ),
    "privacy.forget_yes": "✅ Oui, effacer mes données",
    "privacy.forget_no": "✖ Non, ne rien effacer",
    "privacy.forget_cancelled": "Rien n'a été effacé. Vos données restent telles quelles.",
    "privacy.forgotten": (
        "C'est fait : votre nom, nom d'utilisateur et identifiant Telegram sont effacés dans "
        "{clusters} cluster(s). {agreements} accord(s) sont désormais au nom de la commune."
    ),
}
