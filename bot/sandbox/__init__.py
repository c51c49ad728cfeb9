"""The built-in Telegram: a Bot API emulator the bot and the tests run against without a token."""
