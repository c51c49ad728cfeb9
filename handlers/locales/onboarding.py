"""Texts of registration, municipalities, members, roles and language."""

NL = {
    "start.private": (
        "Hallo! Ik ben Klimaatbot. Ik help clusters van gemeenten hun klimaatafspraken, "
        "vergaderingen en opvolging bij te houden, in hun Telegramgroep."
    ),
    "start.already": "Deze groep is al geregistreerd als cluster <b>{title}</b>. Typ /hulp voor de commando's.",
    "start.registered": (
        "Deze groep is nu de cluster <b>{title}</b>.\n"
        "Volgende stappen:\n"
        "1. Voeg de gemeenten toe: /gemeenten + Herent, Kortenberg, Bertem\n"
        "2. Iedereen zegt voor welke gemeente hij of zij werkt: /gemeente Herent\n"
        "3. Bekijk de cluster met /cluster en alle commando's met /hulp."
    ),
    "help.title": "<b>Wat je hier kunt doen</b>",
    "cluster.renamed": "De cluster heet nu <b>{title}</b>.",
    "cluster.title": "<b>Cluster {title}</b>",
    "cluster.no_municipalities": "Nog geen gemeenten. Voeg ze toe met /gemeenten + A, B",
    "cluster.municipality_line": "• <b>{name}</b>: {members}",
    "cluster.nobody": "nog niemand",
    "cluster.unassigned": "Zonder gemeente: {members} (zeg het met /gemeente naam)",
    "cluster.facilitators": "Facilitator: {names}",
    "cluster.coordinators": "Coördinatoren: {names}",
    "cluster.name_empty": "Geef een naam: /cluster Klimaatcluster Pajottenland",
    "cluster.name_too_long": "Die naam is te lang (hoogstens {limit} tekens).",
    "cluster.language_unknown": "Taal {given} ken ik niet. Kies uit: {choices}.",
    "cluster.language_usage": "De taal is nu {current}. Kies met /taal nl, /taal en of /taal fr.",
    "cluster.language_set": "Ik spreek hier voortaan Nederlands.",
    "municipalities.none": "Nog geen gemeenten. Voeg ze toe met /gemeenten + Herent, Kortenberg",
    "municipalities.title": "<b>Gemeenten ({count})</b>",
    "municipalities.line": "• {name}{extra}",
    "municipalities.inhabitants": " — {count} inwoners",
    "municipalities.usage": "Gebruik: /gemeenten + Herent, Kortenberg om toe te voegen of /gemeenten - Herent om te verwijderen.",
    "municipalities.added": "Toegevoegd: {names}.",
    "municipalities.already": "Stond er al: {names}.",
    "municipalities.remove_one": "Verwijder één gemeente tegelijk: /gemeenten - Herent",
    "municipalities.removed": "{name} is uit de cluster verwijderd. Haar afspraken blijven bewaard.",
    "municipality.usage": "Zeg voor welke gemeente je werkt: /gemeente Herent",
    "municipality.set": "{name} werkt voor {municipality}.",
    "municipality.none_given": "Geef de namen: /gemeenten + Herent, Kortenberg",
    "municipality.name_too_long": "Een gemeentenaam is hoogstens {limit} tekens lang.",
    "municipality.name_invalid": "{name} is geen geldige gemeentenaam.",
    "municipality.none_in_cluster": "Deze cluster heeft nog geen gemeenten. Een coördinator voegt ze toe met /gemeenten + A, B",
    "municipality.ambiguous": "{name} kan meerdere gemeenten zijn: {candidates}. Schrijf de naam voluit.",
    "municipality.unknown_suggest": "Gemeente {name} ken ik niet in deze cluster. Bedoel je {suggestions}?",
    "municipality.unknown": "Gemeente {name} ken ik niet in deze cluster. De gemeenten zijn: {known}.",
    "municipality.inhabitants_invalid": "{given} is geen geldig aantal inwoners.",
    "inhabitants.usage": "Gebruik: /inwoners Herent 21500",
    "inhabitants.set": "{name} telt {count} inwoners.",
    "coordinator.usage": "Noem de persoon: /coordinator @naam, of antwoord op een bericht van die persoon met /coordinator.",
    "coordinator.done": "{name} is nu coördinator van de cluster.",
    "coordinator.already": "{name} was al coördinator.",
    "bot.added": (
        "Hallo! Ik ben Klimaatbot. Een facilitator maakt van deze groep een cluster door hier "
        "/start te typen."
    ),
    "bot.welcome_back": "Ik ben terug in cluster <b>{title}</b>; alle gegevens zijn bewaard.",
}

EN = {
    "start.private": (
        "Hello! I am Klimaatbot. I help clusters of municipalities keep track of their climate "
        "agreements, meetings and follow-up, in their Telegram group."
    ),
    "start.already": "This group is already registered as cluster <b>{title}</b>. Type /help for the commands.",
    "start.registered": (
        "This group is now the cluster <b>{title}</b>.\n"
        "Next steps:\n"
        "1. Add the municipalities: /municipalities + Herent, Kortenberg, Bertem\n"
        "2. Everyone says which municipality they work for: /municipality Herent\n"
        "3. See the cluster with /cluster and every command with /help."
    ),
    "help.title": "<b>What you can do here</b>",
    "cluster.renamed": "The cluster is now called <b>{title}</b>.",
    "cluster.title": "<b>Cluster {title}</b>",
    "cluster.no_municipalities": "No municipalities yet. Add them with /municipalities + A, B",
    "cluster.municipality_line": "• <b>{name}</b>: {members}",
    "cluster.nobody": "nobody yet",
    "cluster.unassigned": "Without a municipality: {members} (say it with /municipality name)",
    "cluster.facilitators": "Facilitator: {names}",
    "cluster.coordinators": "Coordinators: {names}",
    "cluster.name_empty": "Give a name: /cluster Climate cluster Pajottenland",
    "cluster.name_too_long": "That name is too long (at most {limit} characters).",
    "cluster.language_unknown": "I don't know the language {given}. Choose from: {choices}.",
    "cluster.language_usage": "The language is {current}. Choose with /language nl, /language en or /language fr.",
    "cluster.language_set": "From now on I speak English here.",
    "municipalities.none": "No municipalities yet. Add them with /municipalities + Herent, Kortenberg",
    "municipalities.title": "<b>Municipalities ({count})</b>",
    "municipalities.line": "• {name}{extra}",
    "municipalities.inhabitants": " — {count} inhabitants",
    "municipalities.usage": "Use /municipalities + Herent, Kortenberg to add or /municipalities - Herent to remove.",
    "municipalities.added": "Added: {names}.",
    "municipalities.already": "Already there: {names}.",
    "municipalities.remove_one": "Remove one municipality at a time: /municipalities - Herent",
    "municipalities.removed": "{name} was removed from the cluster. Its agreements are kept.",
    "municipality.usage": "Say which municipality you work for: /municipality Herent",
    "municipality.set": "{name} works for {municipality}.",
    "municipality.none_given": "Give the names: /municipalities + Herent, Kortenberg",
    "municipality.name_too_long": "A municipality name has at most {limit} characters.",
    "municipality.name_invalid": "{name} is not a valid municipality name.",
    "municipality.none_in_cluster": "This cluster has no municipalities yet. A coordinator adds them with /municipalities + A, B",
    "municipality.ambiguous": "{name} could be several municipalities: {candidates}. Write the full name.",
    "municipality.unknown_suggest": "I don't know the municipality {name} in this cluster. Did you mean {suggestions}?",
    "municipality.unknown": "I don't know the municipality {name} in this cluster. The municipalities are: {known}.",
    "municipality.inhabitants_invalid": "{given} is not a valid number of inhabitants.",
    "inhabitants.usage": "Use: /inhabitants Herent 21500",
    "inhabitants.set": "{name} has {count} inhabitants.",
    "coordinator.usage": "Name the person: /coordinator @name, or reply to their message with /coordinator.",
    "coordinator.done": "{name} is now a coordinator of the cluster.",
    "coordinator.already": "{name} already was a coordinator.",
    "bot.added": (
        "Hello! I am Klimaatbot. A facilitator turns this group into a cluster by typing /start here."
    ),
    "bot.welcome_back": "I am back in cluster <b>{title}</b>; all data has been kept.",
}

FR = {
    "start.private": (
        "Bonjour ! Je suis Klimaatbot. J'aide les clusters de communes à suivre leurs accords "
        "climat, leurs réunions et leur suivi, dans leur groupe Telegram."
    ),
    "start.already": "Ce groupe est déjà enregistré comme cluster <b>{title}</b>. Tapez /hulp pour les commandes.",
    "start.registered": (
        "Ce groupe est maintenant le cluster <b>{title}</b>.\n"
        "Prochaines étapes :\n"
        "1. Ajoutez les communes : /gemeenten + Herent, Kortenberg, Bertem\n"
        "2. Chacun indique sa commune : /gemeente Herent\n"
        "3. Voyez le cluster avec /cluster et toutes les commandes avec /hulp."
    ),
    "help.title": "<b>Ce que vous pouvez faire ici</b>",
    "cluster.renamed": "Le cluster s'appelle maintenant <b>{title}</b>.",
    "cluster.title": "<b>Cluster {title}</b>",
    "cluster.no_municipalities": "Pas encore de communes. Ajoutez-les avec /gemeenten + A, B",
    "cluster.municipality_line": "• <b>{name}</b> : {members}",
    "cluster.nobody": "personne encore",
    "cluster.unassigned": "Sans commune : {members} (indiquez-la avec /gemeente nom)",
    "cluster.facilitators": "Facilitateur : {names}",
    "cluster.coordinators": "Coordinateurs : {names}",
    "cluster.name_empty": "Donnez un nom : /cluster Cluster climat Pajottenland",
    "cluster.name_too_long": "Ce nom est trop long ({limit} caractères au plus).",
    "cluster.language_unknown": "Je ne connais pas la langue {given}. Choisissez parmi : {choices}.",
    "cluster.language_usage": "La langue est {current}. Choisissez avec /taal nl, /taal en ou /taal fr.",
    "cluster.language_set": "Désormais, je parle français ici.",
    "municipalities.none": "Pas encore de communes. Ajoutez-les avec /gemeenten + Herent, Kortenberg",
    "municipalities.title": "<b>Communes ({count})</b>",
    "municipalities.line": "• {name}{extra}",
    "municipalities.inhabitants": " — {count} habitants",
    "municipalities.usage": "Utilisez /gemeenten + Herent, Kortenberg pour ajouter ou /gemeenten - Herent pour retirer.",
    "municipalities.added": "Ajoutées : {names}.",
    "municipalities.already": "Déjà présentes : {names}.",
    "municipalities.remove_one": "Retirez une commune à la fois : /gemeenten - Herent",
    "municipalities.removed": "{name} a été retirée du cluster. Ses accords sont conservés.",
    "municipality.usage": "Indiquez pour quelle commune vous travaillez : /gemeente Herent",
    "municipality.set": "{name} travaille pour {municipality}.",
    "municipality.none_given": "Donnez les noms : /gemeenten + Herent, Kortenberg",
    "municipality.name_too_long": "Un nom de commune a au plus {limit} caractères.",
    "municipality.name_invalid": "{name} n'est pas un nom de commune valable.",
    "municipality.none_in_cluster": "Ce cluster n'a pas encore de communes. Un coordinateur les ajoute avec /gemeenten + A, B",
    "municipality.ambiguous": "{name} peut désigner plusieurs communes : {candidates}. Écrivez le nom complet.",
    "municipality.unknown_suggest": "Je ne connais pas la commune {name} dans ce cluster. Vouliez-vous dire {suggestions} ?",
    "municipality.unknown": "Je ne connais pas la commune {name} dans ce cluster. Les communes sont : {known}.",
    "municipality.inhabitants_invalid": "{given} n'est pas un nombre d'habitants valable.",
    "inhabitants.usage": "Utilisez : /inwoners Herent 21500",
    "inhabitants.set": "{name} compte {count} habitants.",
    "coordinator.usage": "Nommez la personne : /coordinator @nom, ou répondez à son message avec /coordinator.",
    "coordinator.done": "{name} est maintenant coordinateur du cluster.",
    "coordinator.already": "{name} était déjà coordinateur.",
    "bot.added": (
        "Bonjour ! Je suis Klimaatbot. Un facilitateur fait de ce groupe un cluster en tapant "
        "/start ici."
    ),
    "bot.welcome_back": "Je suis de retour dans le cluster <b>{title}</b> ; toutes les données sont conservées.",
}
