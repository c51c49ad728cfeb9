"""`python -m handlers.locales`: check, sync and compile the catalogues (see tooling.py)."""

import sys
from pathlib import Path

from handlers.locales.tooling import compile_all, read, sync, used_keys

root = Path(__file__).resolve().parents[2]
known = {message.id for message in read("nl") if isinstance(message.id, str) and message.id}
known |= {message.id[0] for message in read("nl") if isinstance(message.id, (list, tuple))}
missing = {key: places for key, places in used_keys(root).items() if key not in known}
for key, places in sorted(missing.items()):
    print(f"{key}: used in {', '.join(places)} but not in nl/LC_MESSAGES/klimaatbot.po")
sync()
compile_all()
sys.exit(1 if missing else 0)
