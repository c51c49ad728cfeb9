"""Texts of forum topics and their themes."""

NL = {
    "agreements.theme_first": "<b>Eerst het thema {theme}</b>",
    "agreements.other_themes": "<b>Andere afspraken</b>",
    "topic.no_ties": "Nog geen topics aan een thema gekoppeld. Typ in een topic bijvoorbeeld /thema energie.",
    "topic.ties_title": "<b>Topics en thema's</b>",
    "topic.tie_line": "• {topic}: {theme}",
    "topic.only_in_topic": "Typ /thema in het topic dat je aan een thema wilt koppelen.",
    "topic.unknown_theme": "Thema {given} ken ik niet. Kies uit: energie, mobiliteit, circulair, communicatie, participatie, overig.",
    "topic.tied": "Topic {topic} hoort nu bij het thema {theme}: afspraken en acties van hier krijgen dat thema.",
    "topic.untied": "Dit topic is niet meer aan een thema gekoppeld.",
    "topic.moved_from": "<i>(Uit het topic {topic}, dat gesloten of verwijderd is.)</i>",
}

EN = {
    "agreements.theme_first": "<b>The theme {theme} first</b>",
    "agreements.other_themes": "<b>Other agreements</b>",
    "topic.no_ties": "No topics are tied to a theme yet. Type e.g. /theme energy inside a topic.",
    "topic.ties_title": "<b>Topics and themes</b>",
    "topic.tie_line": "• {topic}: {theme}",
    "topic.only_in_topic": "Type /theme inside the topic you want to tie to a theme.",
    "topic.unknown_theme": "I don't know the theme {given}. Choose from: energy, mobility, circular, communication, participation, other.",
    "topic.tied": "Topic {topic} now belongs to the theme {theme}: agreements and actions made here get that theme.",
    "topic.untied": "This topic is no longer tied to a theme.",
    "topic.moved_from": "<i>(From the topic {topic}, which was closed or deleted.)</i>",
}

FR = {
    "agreements.theme_first": "<b>D'abord le thème {theme}</b>",
    "agreements.other_themes": "<b>Autres accords</b>",
    "topic.no_ties": "Aucun sujet n'est encore lié à un thème. Tapez par exemple /thema energie dans un sujet.",
    "topic.ties_title": "<b>Sujets et thèmes</b>",
    "topic.tie_line": "• {topic} : {theme}",
    "topic.only_in_topic": "Tapez /thema dans le sujet que vous voulez lier à un thème.",
    "topic.unknown_theme": "Je ne connais pas le thème {given}. Choisissez parmi : energie, mobiliteit, circulair, communicatie, participatie, overig.",
    "topic.tied": "Le sujet {topic} relève maintenant du thème {theme} : les accords et actions créés ici reçoivent ce thème.",
    "topic.untied": "Ce sujet n'est plus lié à un thème.",
    "topic.moved_from": "<i>(Du sujet {topic}, qui a été fermé ou supprimé.)</i>",
}
