"""config.toml, declared once: the schema, the loader, cross-field checks, the reference doc.

`schema.py` holds every option (type, default, help) and `load.py` turns a
file into those dataclasses; `checks.py` has the rules that span sections;
`reference.py` writes docs/config.md from the schema.
"""

from daemon.config.load import config_from_dict, load_config
from daemon.config.schema import (
    ASSIGN_STRATEGIES,
    PRIORITIES,
    RULE_FIELDS,
    STATUSES,
    Config,
    ConfigError,
    DaemonConfig,
    ImapConfig,
    LimitsConfig,
    OutboundConfig,
    QueueConfig,
    RetentionConfig,
    RuleConfig,
    SecurityConfig,
    SmtpConfig,
    StaffConfig,
    TicketsConfig,
)

__all__ = [
    "ASSIGN_STRATEGIES", "PRIORITIES", "RULE_FIELDS", "STATUSES", "Config", "ConfigError",
    "DaemonConfig", "ImapConfig", "LimitsConfig", "OutboundConfig", "QueueConfig",
    "RetentionConfig", "RuleConfig", "SecurityConfig", "SmtpConfig", "StaffConfig",
    "TicketsConfig", "config_from_dict", "load_config",
]
