"""bot.toml validation: errors name the key and the line; secrets never live in the file."""

import pytest

from bot.config import load_settings, parse_settings
from bot.errors import ConfigError
from tests.harness import SHIPPED_CONFIG

MINIMAL = """
[[countries]]
code = "TH"
name = "Thailand"
timezone = "Asia/Bangkok"

[[people]]
id = "th-fp"
name = "Niran Example"
country = "TH"
roles = ["focal_point"]
"""


def test_shipped_config_is_valid_and_covers_every_role() -> None:
    settings = load_settings(SHIPPED_CONFIG)
    assert len(settings.countries) == 16
    roles = {role for person in settings.people for role in person.roles}
    assert roles == {"officer", "focal_point", "deputy_focal_point", "co_chair", "admin"}
    assert all(p.country in {c.code for c in settings.countries} for p in settings.people)


def test_error_names_key_and_line() -> None:
    text = MINIMAL.replace('roles = ["focal_point"]', 'roles = ["sheriff"]')
    with pytest.raises(ConfigError) as caught:
        parse_settings(text, "bot.toml")
    assert "people[0].roles" in str(caught.value)
    assert "bot.toml:11:" in str(caught.value)


def test_unknown_time_zone_is_named() -> None:
    text = MINIMAL.replace("Asia/Bangkok", "Asia/Atlantis")
    with pytest.raises(ConfigError, match=r"bot.toml:5: countries\[0\].timezone.*Atlantis"):
        parse_settings(text, "bot.toml")


def test_person_in_unknown_country() -> None:
    with pytest.raises(ConfigError, match="unknown country 'MY'"):
        parse_settings(MINIMAL.replace('country = "TH"', 'country = "MY"'))


def test_typo_in_a_key_is_caught() -> None:
    with pytest.raises(ConfigError, match=r"requests.ack_limit.*Extra inputs"):
        parse_settings('[requests]\nack_limit = { urgent = "1h" }\n' + MINIMAL)


def test_bad_duration_and_missing_urgency() -> None:
    with pytest.raises(ConfigError, match="requests.ack_limits"):
        parse_settings(
            '[requests]\nack_limits = { urgent = "soon", routine = "1h" }\n' + MINIMAL
        )
    with pytest.raises(ConfigError, match="missing a limit for routine"):
        parse_settings('[requests]\nack_limits = { urgent = "1h" }\n' + MINIMAL)


def test_duplicate_identities_are_refused() -> None:
    person = MINIMAL.split("[[people]]")[1] + 'identities = { telegram = "1" }\n'
    text = (
        MINIMAL
        + 'identities = { telegram = "1" }\n[[people]]'
        + person.replace("th-fp", "th-fp2")
    )
    with pytest.raises(ConfigError, match="duplicate identity 'telegram:1'"):
        parse_settings(text)


def test_invalid_toml_is_reported() -> None:
    with pytest.raises(ConfigError, match="not valid TOML"):
        parse_settings("[bot\nname=")


def test_missing_file_is_reported(tmp_path) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ConfigError, match="cannot read"):
        load_settings(tmp_path / "nope.toml")


def test_tokens_are_only_named_never_stored() -> None:
    settings = load_settings(SHIPPED_CONFIG)
    for name, section in settings.channels.items():
        for key in section.model_dump():
            assert not key.endswith(("token", "secret")), (
                f"channels.{name}.{key} holds a secret"
            )


def test_names_with_invisible_or_direction_changing_characters_are_refused() -> None:
    for trick in ("\u202e", "\u200b", "\x07", "\u2066"):
        with pytest.raises(ConfigError, match="people\\[0\\].name.*invisible"):
            escaped = f"\\u{ord(trick):04x}"  # as TOML escapes, the way they would be written
            parse_settings(MINIMAL.replace("Niran Example", f"Niran{escaped}Example"))
    with pytest.raises(ConfigError, match="countries\\[0\\].name"):
        parse_settings(MINIMAL.replace('name = "Thailand"', 'name = "Thai\u202eland"'))
