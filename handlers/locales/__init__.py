"""The gettext catalogues (`<lang>/LC_MESSAGES/klimaatbot.po`) and the tools that keep them."""
