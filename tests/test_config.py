"""bot.toml validation: errors name the key and the line; secrets never live in the file."""

import pytest
from click.testing import CliRunner

from bot.cli import main
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


def test_a_person_given_no_language_reads_the_bots() -> None:
    """As someone imported without a language does; one written down stays theirs."""
    text = (
        '[bot]\nlanguage = "TH"\n'
        + MINIMAL
        + (
            '\n[[people]]\nid = "th-off"\nname = "Somchai Example"\ncountry = "TH"\n'
            'roles = ["officer"]\nlanguage = "en"\n'
        )
    )
    unsaid, given = parse_settings(text, "bot.toml").people
    assert (unsaid.language, unsaid.language_given) == ("th", False)
    assert (given.language, given.language_given) == ("en", True)
    english = parse_settings(MINIMAL, "bot.toml").people[0]
    assert (english.language, english.language_given) == ("en", False)


def test_error_names_key_and_line() -> None:
    text = MINIMAL.replace('roles = ["focal_point"]', 'roles = ["sheriff"]')
    with pytest.raises(ConfigError) as caught:
        parse_settings(text, "bot.toml")
    assert "people[0].roles" in str(caught.value)
    assert "bot.toml:11:" in str(caught.value)


def test_a_misspelt_role_is_said_once() -> None:
    """Not also "Tuple should have at least 1 item" after each one; no role at all still is."""
    text = MINIMAL.replace('roles = ["focal_point"]', 'roles = ["focal_pont"]')
    with pytest.raises(ConfigError) as caught:
        parse_settings(text, "bot.toml")
    assert str(caught.value).count("\n") == 0 and "people[0].roles[0]" in str(caught.value)
    with pytest.raises(ConfigError, match=r"people\[0\].roles: .*at least 1 item"):
        parse_settings(MINIMAL.replace('roles = ["focal_point"]', "roles = []"), "bot.toml")


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
        parse_settings('[requests]\nack_limits = { urgent = "soon", routine = "1h" }\n' + MINIMAL)
    with pytest.raises(ConfigError, match="missing a limit for routine"):
        parse_settings('[requests]\nack_limits = { urgent = "1h" }\n' + MINIMAL)


def test_duplicate_identities_are_refused() -> None:
    person = MINIMAL.split("[[people]]")[1] + 'identities = { telegram = "1" }\n'
    text = (
        MINIMAL + 'identities = { telegram = "1" }\n[[people]]' + person.replace("th-fp", "th-fp2")
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
            assert not key.endswith(("token", "secret")), f"channels.{name}.{key} holds a secret"


def test_names_with_invisible_or_direction_changing_characters_are_refused() -> None:
    for trick in ("\u202e", "\u200b", "\x07", "\u2066"):
        with pytest.raises(ConfigError, match="people\\[0\\].name.*invisible"):
            escaped = f"\\u{ord(trick):04x}"  # as TOML escapes, the way they would be written
            parse_settings(MINIMAL.replace("Niran Example", f"Niran{escaped}Example"))
    with pytest.raises(ConfigError, match="countries\\[0\\].name"):
        parse_settings(MINIMAL.replace('name = "Thailand"', 'name = "Thai\u202eland"'))


# --- focalbot check: every error names the key and its line, whatever the environment ----------
def check(tmp_path, text: str):  # type: ignore[no-untyped-def]
    """Run ``focalbot check`` on ``text`` written as bot.toml; the result."""
    config = tmp_path / "bot.toml"
    config.write_text(text)
    return CliRunner().invoke(main, ["check", "--config", str(config)])


def line_of(text: str, fragment: str, occurrence: int = 1) -> int:
    """The 1-based line of the ``occurrence``-th line containing ``fragment``."""
    hits = [i + 1 for i, line in enumerate(text.splitlines()) if fragment in line]
    return hits[occurrence - 1]


def test_check_accepts_a_good_file(tmp_path) -> None:  # type: ignore[no-untyped-def]
    result = check(tmp_path, MINIMAL)
    assert result.exit_code == 0 and "OK — 1 country, 1 person;" in result.output


def test_check_names_the_line_of_a_duplicate_person_id(tmp_path) -> None:  # type: ignore[no-untyped-def]
    text = MINIMAL + MINIMAL.split("\n\n")[-1].replace("Niran", "Other")
    result = check(tmp_path, text)
    assert result.exit_code != 0
    where = line_of(text, 'id = "th-fp"', 2)
    assert f"bot.toml:{where}: people[1].id: duplicate person id 'th-fp'" in result.output


def test_check_names_the_line_of_a_duplicate_identity(tmp_path) -> None:  # type: ignore[no-untyped-def]
    second = '\n[[people]]\nid = "th-2"\nname = "B"\ncountry = "TH"\nroles = ["officer"]\n'
    text = (
        MINIMAL + 'identities = { telegram = "1" }\n' + second + 'identities = { telegram = "1" }\n'
    )
    result = check(tmp_path, text)
    where = line_of(text, "identities", 2)
    assert result.exit_code != 0
    assert (
        f"bot.toml:{where}: people[1].identities.telegram: duplicate identity 'telegram:1'"
        in result.output
    )


def test_check_names_the_line_of_an_unknown_country(tmp_path) -> None:  # type: ignore[no-untyped-def]
    text = MINIMAL.replace('country = "TH"', 'country = "XX"')
    result = check(tmp_path, text)
    assert result.exit_code != 0
    where = line_of(text, 'country = "XX"')
    assert f"bot.toml:{where}: people[0].country: person 'th-fp' has unknown country 'XX'" in (
        result.output
    )


UNSET = 'token_env = "FOCALBOT_TEST_NEVER_SET"\n'


@pytest.mark.parametrize(
    ("section", "bad", "key"),
    [
        (
            "[channels.email]\n" + UNSET + 'address = "bot@bot.example"\n',
            'port = "eighty"',
            "channels.email.port",
        ),
        ("[channels.telegram]\n" + UNSET, 'mode = "htp"', "channels.telegram.mode"),
        (
            "[channels.slack]\n" + UNSET,
            'signing_secret_evn = "X"',
            "channels.slack.signing_secret_evn",
        ),
    ],
)
def test_check_validates_a_channel_whose_token_is_not_set(  # type: ignore[no-untyped-def]
    tmp_path, section: str, bad: str, key: str
) -> None:
    text = section + bad + "\n" + MINIMAL
    result = check(tmp_path, text)
    assert result.exit_code != 0, result.output
    assert f"bot.toml:{line_of(text, bad)}: {key}: " in result.output


def test_an_unfinished_channel_is_an_error_once_its_token_is_set(tmp_path) -> None:  # type: ignore[no-untyped-def]
    text = "[channels.email]\n" + UNSET + 'address = ""\n' + MINIMAL
    assert check(tmp_path, text).exit_code == 0  # not in use yet: may be left empty
    config = tmp_path / "bot.toml"
    result = CliRunner().invoke(
        main, ["check", "--config", str(config)], env={"FOCALBOT_TEST_NEVER_SET": "x"}
    )
    assert result.exit_code != 0
    assert f"bot.toml:{line_of(text, 'address')}: channels.email.address: " in result.output


PERIOD = """
[[periods]]
code = "JPA-9"
name = "Ninth"
starts_on = 2027-01-01
ends_on = 2027-01-31
windows = "final"
countries = ["TH", "XX"]
metrics = "nosuch"
"""


def test_check_names_the_lines_of_a_periods_unknown_countries_and_metric_set(tmp_path) -> None:  # type: ignore[no-untyped-def]
    text = MINIMAL + PERIOD
    result = check(tmp_path, text)
    assert result.exit_code != 0
    countries, metrics = line_of(text, 'countries = ["TH", "XX"]'), line_of(text, "nosuch")
    assert f"bot.toml:{countries}: periods[0].countries: unknown countries XX" in result.output
    assert f"bot.toml:{metrics}: periods[0].metrics: unknown metric set 'nosuch'" in (result.output)
    assert "(top level)" not in result.output


def test_check_names_the_line_of_a_metric_set_that_repeats_a_name(tmp_path) -> None:  # type: ignore[no-untyped-def]
    metric = '\n[[metric_sets.mine]]\nkey = "{key}"\nlabel = "Arrests"\nkind = "count"\n'
    text = MINIMAL + metric.format(key="arrests") + metric.format(key="held")
    result = check(tmp_path, text)
    assert result.exit_code != 0
    assert "metric_sets.mine[1].label: the name 'arrests' is used twice" in result.output
    assert "(top level)" not in result.output


def test_check_refuses_a_person_on_channels_the_bot_does_not_have(tmp_path) -> None:  # type: ignore[no-untyped-def]
    text = MINIMAL.replace(
        'roles = ["focal_point"]',
        'roles = ["focal_point"]\npreferred_channel = "signal"\nidentities = { slak = "U0PH1" }',
    )
    result = check(tmp_path, text)
    assert result.exit_code != 0
    known = "(known: console, telegram, slack, line, email, whatsapp, viber, sms)"
    assert (
        f"bot.toml:{line_of(text, 'preferred_channel')}: people[0].preferred_channel: person "
        f"'th-fp': preferred_channel names 'signal', which is not a channel FocalPoint has {known}"
    ) in result.output
    assert (
        f"bot.toml:{line_of(text, 'identities')}: people[0].identities.slak: person 'th-fp': "
        f"identities names 'slak', which is not a channel FocalPoint has {known}"
    ) in result.output


def test_the_known_channels_are_the_console_and_every_adapter() -> None:
    from adapters.channels import ADAPTERS
    from bot.config import CHANNELS

    assert set(CHANNELS) == {"console", *ADAPTERS}


def test_a_directory_import_refuses_a_person_on_an_unknown_channel() -> None:
    from bot.directory.csv_io import parse_csv
    from bot.directory.repo import Directory

    settings = parse_settings(MINIMAL)
    known = Directory.build(list(settings.countries), [])
    rows = "id,name,country,roles,preferred_channel,identity:slak\n"
    with pytest.raises(ConfigError, match="person 'th-2': identities names 'slak'"):
        parse_csv(rows + "th-2,Somchai Example,TH,officer,console,U0PH1\n", known)
    with pytest.raises(ConfigError, match="person 'th-2': preferred_channel names 'signal'"):
        parse_csv(rows + "th-2,Somchai Example,TH,officer,signal,\n", known)


def test_a_directory_import_reads_active_as_yes_or_no_and_refuses_the_rest() -> None:
    """ "N", "disabled" or "revoked" read as active: only no/false/0 deactivated."""
    from bot.directory.csv_io import parse_csv
    from bot.directory.repo import Directory

    settings = parse_settings(MINIMAL)
    known = Directory.build(list(settings.countries), [])
    rows = "id,name,country,roles,active\n"
    for word, active in (("yes", True), ("N", False), ("0", False), ("", True)):
        people = parse_csv(rows + f"th-2,Somchai Example,TH,officer,{word}\n", known)[1]
        assert people[0].active is active, word
    with pytest.raises(ConfigError, match="line 2: active must be yes or no, not 'revoked'"):
        parse_csv(rows + "th-2,Somchai Example,TH,officer,revoked\n", known)
