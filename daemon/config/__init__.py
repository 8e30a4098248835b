"""config.toml, declared once: the schema, the loader, cross-field checks, the reference doc.

`schema.py` holds every option (type, default, help) and `load.py` turns a
file into those dataclasses; `checks.py` has the rules that span sections;
`reference.py` writes docs/config.md from the schema.
"""

from daemon.config.load import config_from_dict, load_config
from daemon.config.schema import (
    ASSIGN_STRATEGIES,
    FIELD_TYPES,
    PRIORITIES,
    RULE_FIELDS,
    SLA_ACTIONS,
    SLA_TIMERS,
    STATUSES,
    WEEKDAYS,
    CalendarConfig,
    Config,
    ConfigError,
    CustomerConfig,
    DaemonConfig,
    FieldConfig,
    FormsConfig,
    ImapConfig,
    LimitsConfig,
    MetricsConfig,
    OutboundConfig,
    QueueConfig,
    ReportsConfig,
    RetentionConfig,
    RuleConfig,
    SecurityConfig,
    SlaConfig,
    SmtpConfig,
    StaffConfig,
    StatusConfig,
    TicketsConfig,
)

__all__ = [
    "ASSIGN_STRATEGIES", "FIELD_TYPES", "PRIORITIES", "RULE_FIELDS", "SLA_ACTIONS", "SLA_TIMERS",
    "STATUSES", "WEEKDAYS", "CalendarConfig", "Config", "ConfigError", "CustomerConfig",
    "DaemonConfig", "FieldConfig", "FormsConfig", "ImapConfig", "LimitsConfig", "MetricsConfig",
    "OutboundConfig", "QueueConfig", "ReportsConfig", "RetentionConfig", "RuleConfig",
    "SecurityConfig", "SlaConfig", "SmtpConfig", "StaffConfig", "StatusConfig",
    "TicketsConfig",
    "config_from_dict", "load_config",
]
