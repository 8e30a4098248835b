"""Cross-field config checks: names that must exist, values from fixed sets.

The schema in config.py checks each value's type; these check what only the
whole file can tell (a rule naming an unknown queue, an unreadable secret).
"""

from __future__ import annotations

import os
import re
from urllib.parse import urlparse

from daemon.config import (
    ASSIGN_STRATEGIES,
    PRIORITIES,
    RULE_FIELDS,
    Config,
)
from daemon.config.checks_workorders import check_field_values, check_workorders
from daemon.tickets.checks import TAG_PATTERN, TAG_RULE
from parsers.addresses import parse_address
from parsers.keywords import compile_pattern


def check_semantics(c: Config) -> list[str]:
    """Cross-field checks: names that must exist, values from fixed sets."""
    p: list[str] = []
    queue_names = [q.name for q in c.queues]
    staff_emails = {s.email.lower() for s in c.staff}

    for i, s in enumerate(c.staff):
        if not _is_address(s.email):
            p.append(f"staff[{i}].email: {s.email!r} is not an email address")
    for i, q in enumerate(c.queues):
        if queue_names.count(q.name) > 1:
            p.append(f"queues[{i}].name: queue {q.name!r} is defined twice")
        if q.assign not in ASSIGN_STRATEGIES:
            p.append(f"queues[{i}].assign: {q.assign!r} is not one of "
                     f"{', '.join(ASSIGN_STRATEGIES)}")
        for j, a in enumerate(q.addresses):
            if not _is_address(a):
                p.append(f"queues[{i}].addresses[{j}]: {a!r} is not an email address")
        for j, m in enumerate(q.members):
            if m.lower() not in staff_emails:
                p.append(f"queues[{i}].members[{j}]: {m!r} is not listed in [[staff]]")
        if q.lead and q.lead.lower() not in staff_emails:
            p.append(f"queues[{i}].lead: {q.lead!r} is not listed in [[staff]]")
    if c.tickets.default_queue not in queue_names:
        p.append(f"tickets.default_queue: queue {c.tickets.default_queue!r} is not defined "
                 "in [[queues]]")
    if c.tickets.unknown_sender not in ("new_ticket", "append"):
        p.append(f"tickets.unknown_sender: {c.tickets.unknown_sender!r} is not one of new_ticket, "
                 "append")
    if not re.fullmatch(r"[\w.\-]+", c.tickets.tag_prefix):
        p.append(f"tickets.tag_prefix: {c.tickets.tag_prefix!r}: use letters, digits, '.', '-' "
                 "or '_' only")
    if c.smtp.protocol not in ("smtp", "lmtp"):
        p.append(f"smtp.protocol: {c.smtp.protocol!r} is not one of smtp, lmtp")
    if c.smtp.enabled and not _is_hostport(c.smtp.listen):
        p.append(f"smtp.listen: {c.smtp.listen!r} is not host:port")
    if c.daemon.log_level.upper() not in ("DEBUG", "INFO", "WARNING", "ERROR"):
        p.append(f"daemon.log_level: {c.daemon.log_level!r} is not one of DEBUG, INFO, WARNING, "
                 "ERROR")
    if c.daemon.log_format not in ("text", "json"):
        p.append("daemon.log_format: must be text or json")
    if c.metrics.listen and not _is_hostport(c.metrics.listen):
        p.append(f"metrics.listen: {c.metrics.listen!r} is not host:port")
    elif c.metrics.listen and not _is_loopback(c.metrics.listen.rpartition(":")[0]):
        p.append("metrics.listen: must be a loopback address (127.0.0.1, [::1], localhost): "
                 "the endpoint has no authentication")
    if not c.daemon.database.startswith(("sqlite:///", "postgresql://", "postgres://")):
        scheme = c.daemon.database.partition(":")[0]  # the rest may hold a password
        p.append(f"daemon.database: must start with sqlite:/// or postgresql://, not {scheme!r}")
    elif c.daemon.database.startswith("postgres") and not _installed("psycopg2"):
        p.append("daemon.database: PostgreSQL needs the psycopg2 driver, which is not "
                 "installed: pip install 'ticketd[postgres]'")
    if c.daemon.batch_size < 1:
        p.append(f"daemon.batch_size: must be at least 1, not {c.daemon.batch_size}")
    p.extend(_check_limits(c))
    p.extend(_check_outbound(c))
    p.extend(_check_rules(c, queue_names, staff_emails))
    p.extend(_check_imap(c, queue_names))
    p.extend(check_workorders(c, queue_names, staff_emails))
    return p


def _check_limits(c) -> list[str]:
    """Bounds of issue 12: each at least 1 (0 would refuse all mail or every participant)."""
    values = {"smtp.max_sessions": c.smtp.max_sessions,
              "smtp.max_sessions_per_client": c.smtp.max_sessions_per_client,
              "smtp.idle_timeout_seconds": c.smtp.idle_timeout_seconds,
              "tickets.max_participants_per_mail": c.tickets.max_participants_per_mail,
              "tickets.max_participants_per_ticket": c.tickets.max_participants_per_ticket,
              "tickets.staff_notices_per_ticket_per_hour":
                  c.tickets.staff_notices_per_ticket_per_hour}
    return [f"{key}: {value} must be at least 1" for key, value in values.items() if value < 1]


def _check_outbound(c: Config) -> list[str]:
    o, p = c.outbound, []
    if parse_address(o.from_) is None:
        p.append(f"outbound.from: {o.from_!r} is not an email address")
    if bool(o.smtp) == bool(o.directory):
        p.append("outbound: set exactly one of smtp (relay host:port) or directory")
    if o.smtp and not _is_hostport(o.smtp):
        p.append(f"outbound.smtp: {o.smtp!r} is not host:port")
    if o.retry_initial_seconds < 1 or o.retry_max_seconds < o.retry_initial_seconds:
        p.append(f"outbound.retry_max_seconds: {o.retry_max_seconds} must be at least "
                 f"retry_initial_seconds ({o.retry_initial_seconds}, itself >= 1)")
    return p


def _check_rules(c: Config, queue_names, staff_emails) -> list[str]:

    p: list[str] = []
    field_names = [f.name for f in c.fields]
    for i, r in enumerate(c.rules):
        where = f"rules[{i}]"
        if not r.match:
            p.append(f"{where}.match: a rule needs at least one field to match")
        for fld, words in r.matches.items():
            if fld.startswith("field."):
                if fld[6:] not in field_names:
                    known = ", ".join(field_names) or "none are defined"
                    p.append(f"{where}.match.{fld}: no [[fields]] entry is named "
                             f"{fld[6:]!r} ({known})")
            elif fld not in RULE_FIELDS:
                p.append(f"{where}.match.{fld}: unknown field {fld!r} (use "
                         f"{', '.join(RULE_FIELDS)} or field.NAME)")
            if not isinstance(words, list) or not words:
                p.append(f"{where}.match.{fld}: must be a non-empty list of keywords, not "
                         f"{words!r}")
                continue
            for j, w in enumerate(words):
                if not isinstance(w, str) or not w.strip():
                    p.append(f"{where}.match.{fld}[{j}]: must be a non-empty string")
                    continue
                try:
                    compile_pattern(w)
                except re.error as exc:
                    p.append(f"{where}.match.{fld}[{j}]: bad regular expression: {exc}")
        for key, value in r.set.items():
            if key == "fields":
                p.extend(check_field_values(c, f"{where}.set.fields", value))
                continue
            p.extend(_check_rule_set(f"{where}.set.{key}", key, value, queue_names, staff_emails))
    return p


def _check_rule_set(where, key, value, queue_names, staff_emails) -> list[str]:
    if key == "queue":
        if value not in queue_names:
            return [f"{where}: queue {value!r} is not defined in [[queues]]"]
    elif key == "priority":
        if value not in PRIORITIES:
            return [f"{where}: {value!r} is not one of {', '.join(PRIORITIES)}"]
    elif key == "tags":
        if not isinstance(value, list) or not all(isinstance(t, str) and t for t in value):
            return [f"{where}: must be a list of strings, not {value!r}"]
        return [f"{where}[{i}]: {t!r} is not a tag ({TAG_RULE})"  # as #tag and the CLI say
                for i, t in enumerate(value) if not re.fullmatch(TAG_PATTERN, t)]
    elif key == "assignee":
        if not isinstance(value, str) or value.lower() not in staff_emails:
            return [f"{where}: {value!r} is not listed in [[staff]]"]
    else:
        return [f"{where}: unknown key (use queue, priority, tags, assignee, fields)"]
    return []


def _check_imap(c: Config, queue_names) -> list[str]:
    p: list[str] = []
    names = [m.name for m in c.imap]
    for i, m in enumerate(c.imap):
        where = f"imap[{i}]"
        if names.count(m.name) > 1:
            p.append(f"{where}.name: mailbox name {m.name!r} is used twice")
        if m.queue and m.queue not in queue_names:
            p.append(f"{where}.queue: queue {m.queue!r} is not defined in [[queues]]")
        if not (m.after in ("seen", "delete") or (m.after.startswith("move:") and m.after[5:])):
            p.append(f'{where}.after: {m.after!r} is not one of seen, delete, "move:<folder>"')
        secrets = [s for s in (m.password_file, m.password_env, m.oauth2_token_file,
                               m.oauth2_token_command, m.oauth2_refresh_token_file) if s]
        if len(secrets) != 1:
            p.append(f"{where}: set exactly one of password_file, password_env, "
                     "oauth2_token_file, oauth2_token_command or oauth2_refresh_token_file")
        p.extend(_check_oauth2_refresh(c, m, where))
        if m.password_file and not os.access(c.resolve(m.password_file), os.R_OK):
            p.append(f"{where}.password_file: cannot read {c.resolve(m.password_file)}")
        if m.oauth2_token_file and not os.access(c.resolve(m.oauth2_token_file), os.R_OK):
            p.append(f"{where}.oauth2_token_file: cannot read {c.resolve(m.oauth2_token_file)}")
        if m.password_env and m.password_env not in os.environ:
            p.append(f"{where}.password_env: environment variable {m.password_env} is not set")
        if not 1 <= m.idle_renew_seconds <= 1740:
            p.append(f"{where}.idle_renew_seconds: must be between 1 and 1740 (29 minutes), not "
                     f"{m.idle_renew_seconds}")
        if m.batch_size < 1:
            p.append(f"{where}.batch_size: must be at least 1, not {m.batch_size}")
        if m.tls and m.starttls:
            p.append(f"{where}: tls and starttls exclude each other")
    return p


def _check_oauth2_refresh(c: Config, m, where: str) -> list[str]:
    """The built-in refresh flow needs its endpoint and client, a readable refresh token
    and a folder it can write a rotated one to (atomically, beside the old)."""
    flow = (m.oauth2_token_endpoint, m.oauth2_client_id, m.oauth2_client_secret_file,
            m.oauth2_scope)
    if not m.oauth2_refresh_token_file:
        return [f"{where}: oauth2_token_endpoint, oauth2_client_id, oauth2_client_secret_file "
                "and oauth2_scope belong to oauth2_refresh_token_file"] if any(flow) else []
    p = []
    if not m.oauth2_client_id:
        p.append(f"{where}.oauth2_client_id: required with oauth2_refresh_token_file")
    if not m.oauth2_token_endpoint:
        p.append(f"{where}.oauth2_token_endpoint: required with oauth2_refresh_token_file")
    elif not secure_endpoint(m.oauth2_token_endpoint):
        p.append(f"{where}.oauth2_token_endpoint: must be an https:// URL (http:// only to a "
                 "loopback address)")
    token = c.resolve(m.oauth2_refresh_token_file)
    if not os.access(token, os.R_OK):
        p.append(f"{where}.oauth2_refresh_token_file: cannot read {token}")
    elif not os.access(token.parent, os.W_OK):
        p.append(f"{where}.oauth2_refresh_token_file: cannot write in {token.parent} (a "
                 "rotated refresh token is saved there)")
    secret = m.oauth2_client_secret_file and c.resolve(m.oauth2_client_secret_file)
    if secret and not os.access(secret, os.R_OK):
        p.append(f"{where}.oauth2_client_secret_file: cannot read {secret}")
    return p


def secure_endpoint(url: str) -> bool:
    parsed = urlparse(url)
    if parsed.scheme == "https" and parsed.hostname:
        return True
    return parsed.scheme == "http" and parsed.hostname in ("127.0.0.1", "::1", "localhost")


def _installed(module: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(module) is not None


def _is_address(text: str) -> bool:
    parsed = parse_address(text)
    return parsed is not None and parsed[1] == text.strip().lower()


def _is_loopback(host: str) -> bool:
    import ipaddress

    host = host.strip("[]")
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _is_hostport(text: str) -> bool:
    host, sep, port = text.rpartition(":")
    return bool(sep and host and port.isdigit() and 0 <= int(port) < 65536)
