"""Commands an adapter types out for a right-to-left reader show as typed (each in a
left-to-right isolate), and a command copied back with those marks still runs."""

from adapters.buttons import typed_lines
from adapters.email_convert import command_for
from adapters.sms_convert import command_line
from adapters.telegram_convert import with_typed_commands
from bot.events import Button
from bot.i18n.message import LRI, PDI

ACK = Button("Acknowledge B-3", "/broadcast ack B-3")


def test_typed_commands_are_isolated_for_right_to_left_readers_only() -> None:
    assert typed_lines([ACK], language="ar") == [f"Acknowledge B-3: {LRI}/broadcast ack B-3{PDI}"]
    assert typed_lines([ACK], "/focal ", "ur") == [
        f"Acknowledge B-3: {LRI}/focal broadcast ack B-3{PDI}"
    ]
    assert typed_lines([ACK], language="th") == ["Acknowledge B-3: /broadcast ack B-3"]
    too_long = Button("Go", "/return " + "X" * 80)  # past Telegram's callback data: typed
    assert f"{LRI}/return " in with_typed_commands("text", [too_long], "fa_AF")


def test_a_command_copied_with_its_marks_is_still_a_command() -> None:
    copied = f"\u200f{LRI}/ack R-2027-0001{PDI}"
    assert command_for(copied, "R-2027-0001") == "/ack R-2027-0001"
    assert command_line(f"{LRI}ACK R-2027-0001{PDI}", frozenset({"ack"})) == "/ack R-2027-0001"
