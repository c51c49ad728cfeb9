"""The fake Bot API the benchmarks share with the tests, and the ids it knows."""

from bot.sandbox.emulator import BOT_ID, TOKEN, FakeTelegram, SentMessage

__all__ = ["BOT_ID", "TOKEN", "FakeTelegram", "SentMessage"]
