"""Texts of /kosten."""

NL = {
    "costs.amount_invalid": "{given} lees ik niet als bedrag. Schrijf het zoals 12500, 12.500 of 12.500,50 (in euro, excl. btw).",
    "costs.price_invalid": "De ingestelde projectprijs ({given}) is geen bedrag. Geef het bedrag mee: /kosten 12.500",
    "costs.amount_zero": "Het bedrag moet groter zijn dan nul.",
    "costs.amount_too_large": "{given} is wel heel veel: controleer het bedrag.",
    "costs.no_municipalities": "Deze cluster heeft nog geen gemeenten om de kosten over te verdelen. Voeg ze toe met /gemeenten + A, B",
    "costs.missing_inhabitants": "Om naar inwoners te verdelen mis ik het aantal inwoners van: {names}. Geef het op met bijvoorbeeld {example}",
    "costs.title": "<b>Kosten van de begeleiding</b>: {excl} excl. btw + {vat} btw (21 %) = {incl} incl. btw",
    "costs.equal": "Gelijk verdeeld over {count} gemeenten:",
    "costs.by_inhabitants": "Verdeeld naar inwoners over {count} gemeenten ({inhabitants} inwoners samen):",
    "costs.line": "• <b>{name}</b>: {excl} excl. btw · {incl} incl. btw",
    "costs.line_weighted": "• <b>{name}</b> ({inhabitants} inwoners, {percent} %): {excl} excl. btw · {incl} incl. btw",
    "costs.total": "Samen: {excl} excl. btw · {incl} incl. btw",
    "costs.hint_inhabitants": "Naar inwoners verdelen? /kosten inwoners",
}

EN = {
    "costs.amount_invalid": "I can't read {given} as an amount. Write it like 12500, 12.500 or 12.500,50 (in euro, excl. VAT).",
    "costs.price_invalid": "The configured project price ({given}) is not an amount. Give the amount: /costs 12.500",
    "costs.amount_zero": "The amount must be more than zero.",
    "costs.amount_too_large": "{given} is a lot: please check the amount.",
    "costs.no_municipalities": "This cluster has no municipalities to split the costs over yet. Add them with /municipalities + A, B",
    "costs.missing_inhabitants": "To split by inhabitants I am missing the number of inhabitants of: {names}. Set it with, for example, {example}",
    "costs.title": "<b>Cost of the guidance</b>: {excl} excl. VAT + {vat} VAT (21 %) = {incl} incl. VAT",
    "costs.equal": "Split equally over {count} municipalities:",
    "costs.by_inhabitants": "Split by inhabitants over {count} municipalities ({inhabitants} inhabitants together):",
    "costs.line": "• <b>{name}</b>: {excl} excl. VAT · {incl} incl. VAT",
    "costs.line_weighted": "• <b>{name}</b> ({inhabitants} inhabitants, {percent} %): {excl} excl. VAT · {incl} incl. VAT",
    "costs.total": "Together: {excl} excl. VAT · {incl} incl. VAT",
    "costs.hint_inhabitants": "Split by inhabitants? /costs inhabitants",
}

FR = {
    "costs.amount_invalid": "Je ne lis pas {given} comme un montant. Écrivez-le comme 12500, 12.500 ou 12.500,50 (en euros, hors TVA).",
    "costs.price_invalid": "Le prix du projet configuré ({given}) n'est pas un montant. Indiquez le montant : /kosten 12.500",
    "costs.amount_zero": "Le montant doit être supérieur à zéro.",
    "costs.amount_too_large": "{given}, c'est beaucoup : vérifiez le montant.",
    "costs.no_municipalities": "Ce cluster n'a pas encore de communes entre lesquelles répartir les coûts. Ajoutez-les avec /gemeenten + A, B",
    "costs.missing_inhabitants": "Pour répartir selon les habitants, il me manque le nombre d'habitants de : {names}. Indiquez-le par exemple avec {example}",
    "costs.title": "<b>Coût de l'accompagnement</b> : {excl} hors TVA + {vat} TVA (21 %) = {incl} TVA comprise",
    "costs.equal": "Réparti à parts égales entre {count} communes :",
    "costs.by_inhabitants": "Réparti selon les habitants entre {count} communes ({inhabitants} habitants au total) :",
    "costs.line": "• <b>{name}</b> : {excl} hors TVA · {incl} TVA comprise",
    "costs.line_weighted": "• <b>{name}</b> ({inhabitants} habitants, {percent} %) : {excl} hors TVA · {incl} TVA comprise",
    "costs.total": "Ensemble : {excl} hors TVA · {incl} TVA comprise",
    "costs.hint_inhabitants": "Répartir selon les habitants ? /kosten inwoners",
}
