"""The Bot API emulator delivers only the update kinds a bot asks for, as Telegram does."""

from __future__ import annotations

from bot.sandbox.emulator import FakeTelegram


async def test_chat_member_updates_come_only_when_asked_for() -> None:
    fake = FakeTelegram()
    fake.push_update({"chat_member": {}})
    fake.push_update({"message": {}})
    default = await fake._api_getUpdates({})
    assert [set(u) - {"update_id"} for u in default] == [{"message"}]

    fake.push_update({"chat_member": {}})
    asked = await fake._api_getUpdates({"allowed_updates": '["message", "chat_member"]'})
    assert [set(u) - {"update_id"} for u in asked] == [{"message"}, {"chat_member"}]
