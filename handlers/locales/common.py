"""Texts shared by every capability: refusals, errors, where a command works."""

NL = {
    "chat.private_only": "Dit commando werkt alleen in een privégesprek met mij.",
    "chat.group_only": "Dit commando werkt alleen in de groep van een cluster.",
    "cluster.not_registered": (
        "Deze groep is nog geen cluster. Een facilitator maakt er een cluster van door hier "
        "/start te typen."
    ),
    "role.needs_member": "Dit kan alleen een lid van de cluster, in de groep.",
    "role.needs_coordinator": "Alleen een coördinator van de cluster of de facilitator mag dit.",
    "role.needs_facilitator": "Alleen de facilitator mag dit.",
    "role.needs_anyone": "Dit mag iedereen.",
    "error.internal": "Er ging iets mis aan mijn kant. Probeer het straks opnieuw.",
    "member.unknown_username": (
        "Ik ken {username} nog niet in deze cluster: die persoon moet eerst iets in de groep "
        "schrijven (een commando volstaat)."
    ),
}

EN = {
    "chat.private_only": "This command only works in a private chat with me.",
    "chat.group_only": "This command only works in a cluster's group.",
    "cluster.not_registered": (
        "This group is not a cluster yet. A facilitator turns it into one by typing /start here."
    ),
    "role.needs_member": "Only a member of the cluster can do this, in the group.",
    "role.needs_coordinator": "Only a coordinator of the cluster or the facilitator may do this.",
    "role.needs_facilitator": "Only the facilitator may do this.",
    "role.needs_anyone": "Anyone may do this.",
    "error.internal": "Something went wrong on my side. Please try again later.",
    "member.unknown_username": (
        "I don't know {username} in this cluster yet: they need to write something in the group "
        "first (a command will do)."
    ),
}

FR = {
    "chat.private_only": "Cette commande ne fonctionne qu'en conversation privée avec moi.",
    "chat.group_only": "Cette commande ne fonctionne que dans le groupe d'un cluster.",
    "cluster.not_registered": (
        "Ce groupe n'est pas encore un cluster. Un facilitateur l'enregistre en tapant /start ici."
    ),
    "role.needs_member": "Seul un membre du cluster peut faire ceci, dans le groupe.",
    "role.needs_coordinator": "Seul un coordinateur du cluster ou le facilitateur peut faire ceci.",
    "role.needs_facilitator": "Seul le facilitateur peut faire ceci.",
    "role.needs_anyone": "Tout le monde peut faire ceci.",
    "error.internal": "Un problème est survenu de mon côté. Réessayez plus tard.",
    "member.unknown_username": (
        "Je ne connais pas encore {username} dans ce cluster : cette personne doit d'abord écrire "
        "dans le groupe (une commande suffit)."
    ),
}
