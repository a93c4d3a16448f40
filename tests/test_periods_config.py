"""bot.toml for periods, metric sets and reminders: validated at start, errors name the key."""

import pytest
from click.testing import CliRunner

from bot.cli import main
from bot.config import load_settings, parse_settings
from bot.errors import ConfigError
from bot.returns.metrics import DEFAULT_METRICS
from tests.harness import SHIPPED_CONFIG

BASE = """
[[countries]]
code = "TH"
name = "Thailand"
timezone = "Asia/Bangkok"
"""
PERIOD = """
[[periods]]
code = "JPA-7"
name = "Seventh"
starts_on = 2027-01-01
ends_on = 2027-06-30
countries = ["TH"]
windows = "quarterly"
"""


def test_shipped_metric_set_is_the_documented_default() -> None:
    settings = load_settings(SHIPPED_CONFIG)
    assert settings.metric_sets["default"] == DEFAULT_METRICS
    [example] = settings.periods
    assert (example.code, example.status, example.windows) == ("JPA-4", "planned", "monthly")
    assert settings.returns.reminders.policy().before_days == (7, 1)


def test_a_valid_period_and_explicit_windows() -> None:
    settings = parse_settings(BASE + PERIOD)
    assert settings.periods[0].windows == "quarterly"
    explicit = PERIOD.replace('windows = "quarterly"\n', "") + (
        "[[periods.windows]]\nstarts_on = 2027-01-01\nends_on = 2027-06-30\ndue_on = 2027-07-14\n"
    )
    assert parse_settings(BASE + explicit).periods[0].windows[0].due_on.day == 14


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (('countries = ["TH"]', 'countries = ["TH", "MY"]'), "unknown countries MY"),
        (('code = "JPA-7"', 'code = "jpa 7"'), r"periods\[0\].code"),
        (("ends_on = 2027-06-30", "ends_on = 2026-06-30"), "ends_on is before starts_on"),
        (('windows = "quarterly"', 'windows = "weekly"'), r"periods\[0\].windows"),
        (('windows = "quarterly"', 'metrics = "lite"'), "unknown metric set 'lite'"),
    ],
)
def test_period_errors_name_the_problem(change: tuple[str, str], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        parse_settings(BASE + PERIOD.replace(*change))


def test_metric_and_reminder_errors_name_the_key() -> None:
    clash = (
        '[[metric_sets.default]]\nkey = "arrests"\nlabel = "Arrests"\n'
        '[[metric_sets.default]]\nkey = "detained"\nlabel = "Detained"\n'
        'aliases = ["arrests"]\n'
    )
    with pytest.raises(ConfigError, match="the name 'arrests' is used twice"):
        parse_settings(clash + BASE)
    with pytest.raises(ConfigError, match=r"metric_sets.default\[0\].kind"):
        parse_settings('[[metric_sets.default]]\nkey = "a"\nlabel = "A"\nkind = "float"\n' + BASE)
    with pytest.raises(ConfigError, match=r"returns.reminders.local_time.*'9am'"):
        parse_settings('[returns.reminders]\nlocal_time = "9am"\n' + BASE)
    with pytest.raises(ConfigError, match=r"returns.reminders.before_days"):
        parse_settings("[returns.reminders]\nbefore_days = [0]\n" + BASE)


def test_report_command_has_help() -> None:
    result = CliRunner().invoke(main, ["report", "--help"])
    assert result.exit_code == 0 and "--format" in result.output
