"""The ``[channels.email]`` section of ``bot.toml``: its model and ``parse_options``.

Kept apart from :mod:`adapters.email` and free of its platform libraries, so that
``focalbot check`` validates the section without importing them.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from adapters.options import validated

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


class EmailOptions(BaseModel):
    """The ``[channels.email]`` section, checked by ``focalbot check`` and at build."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    enabled: bool = True
    content: Literal["full", "pointer"] = "full"  # the core's; accepted here for completeness
    token_env: str = Field(min_length=1)  # the secret that signs reply tokens
    address: str = Field(pattern=r"^[^@\s<>]+@[^@\s<>]+$")
    display_name: str = Field(default="FocalPoint", pattern=r"^[^\[\]\r\n<>\"]{1,40}$")
    smtp_host: str = "localhost"
    smtp_port: int = Field(default=587, ge=1, le=65535)
    smtp_security: Literal["starttls", "tls", "none"] = "starttls"
    smtp_user_env: str = ""
    smtp_password_env: str = ""
    smtp_timeout: float = Field(default=30.0, gt=0)
    smtp_ca_file: str = ""  # a private CA to verify the relay's certificate; "" = system CAs
    inbound: Literal["smtp", "imap", "none"] = "smtp"
    listen: str = "127.0.0.1"
    port: int = Field(default=2525, ge=0, le=65535)
    max_message_bytes: int = Field(default=2_000_000, ge=10_000)
    imap_host: str = "localhost"
    imap_port: int = Field(default=993, ge=1, le=65535)
    imap_security: Literal["tls", "none"] = "tls"
    imap_user_env: str = ""
    imap_password_env: str = ""
    imap_mailbox: str = "INBOX"
    poll_interval: float = Field(default=60.0, gt=0)
    trust_sender: bool = False  # honoured only for mail whose DMARC check passed
    authserv_id: str = ""
    # the mail servers that hand mail to our listener and add authserv_id's verdicts
    relay_hosts: tuple[IPNetwork, ...] = (
        ipaddress.ip_network("127.0.0.1"),
        ipaddress.ip_network("::1"),
    )
    auth_policy: Literal["reject_fail", "require_pass", "off"] = "reject_fail"
    refusals_per_hour: int = Field(default=20, ge=0)  # across all senders
    # days a reply token proves anything; each day more costs an HMAC per token of each mail
    token_days: int = Field(default=30, ge=1, le=90)

    def from_relay(self, peer: object) -> bool:
        """Whether an SMTP client at ``peer`` (aiosmtpd's ``session.peer``) is our relay."""
        host = peer[0] if isinstance(peer, tuple) and peer else peer
        try:
            address = ipaddress.ip_address(str(host).partition("%")[0])
        except ValueError:
            return False
        return any(address in network for network in self.relay_hosts)


def unchecked_senders(options: EmailOptions) -> str | None:
    """What to tell the operator when mail is received but no sender verdict is ever read:
    without ``authserv_id`` every verdict is "none", so ``auth_policy`` drops nothing and a
    forged From is stopped only by the reply token (None when verdicts are read or no mail
    comes in)."""
    if not options.enabled or options.inbound == "none" or options.authserv_id.strip():
        return None
    return (
        "email: authserv_id is empty, so the sender checks (SPF, DKIM, DMARC) of your mail "
        f'server are not read and auth_policy = "{options.auth_policy}" cannot drop forged '
        "mail. Set [channels.email] authserv_id to your receiving mail server's name, as it "
        "writes it in the Authentication-Results header of the mail it delivers (see the "
        "README's email paragraph)."
    )


def parse_options(options: Mapping[str, object]) -> EmailOptions:
    """Validate the section; a ConfigError names ``channels.email.<key>``."""
    return validated(EmailOptions, options, "email")
