--
-- PostgreSQL database dump
--


-- Dumped from database version 15.20 (Debian 15.20-0+deb12u1)
-- Dumped by pg_dump version 15.20 (Debian 15.20-0+deb12u1)

SET statement_timeout = 0;
SET lock_timeout = 0;
SET idle_in_transaction_session_timeout = 0;
SET client_encoding = 'UTF8';
SET standard_conforming_strings = on;
SELECT pg_catalog.set_config('search_path', '', false);
SET check_function_bodies = false;
SET xmloption = content;
SET client_min_messages = warning;
SET row_security = off;

SET default_tablespace = '';

SET default_table_access_method = heap;

--
-- Name: assigncursor; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.assigncursor (
    queue character varying(255) NOT NULL,
    last_assignee character varying(255) NOT NULL
);


--
-- Name: attachment; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.attachment (
    id integer NOT NULL,
    message_id integer NOT NULL,
    filename text NOT NULL,
    content_type character varying(255) NOT NULL,
    size integer NOT NULL,
    sha256 character varying(255) NOT NULL,
    content_id character varying(255) NOT NULL,
    inline boolean NOT NULL
);


--
-- Name: attachment_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.attachment_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: attachment_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.attachment_id_seq OWNED BY public.attachment.id;


--
-- Name: blob; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.blob (
    sha256 character varying(255) NOT NULL,
    data bytea NOT NULL,
    size integer NOT NULL
);


--
-- Name: bouncingaddress; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.bouncingaddress (
    email character varying(255) NOT NULL,
    first_at timestamp without time zone NOT NULL,
    last_at timestamp without time zone NOT NULL,
    count integer NOT NULL,
    status character varying(255) NOT NULL,
    ticket_id integer
);


--
-- Name: event; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.event (
    id integer NOT NULL,
    ticket_id integer NOT NULL,
    at timestamp without time zone NOT NULL,
    actor character varying(255) NOT NULL,
    action character varying(255) NOT NULL,
    old text,
    new text
);


--
-- Name: event_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.event_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: event_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.event_id_seq OWNED BY public.event.id;


--
-- Name: imapstate; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.imapstate (
    mailbox character varying(255) NOT NULL,
    uidvalidity bigint NOT NULL,
    last_uid bigint NOT NULL,
    handled_uid bigint NOT NULL,
    first_pass_until bigint NOT NULL,
    updated_at timestamp without time zone NOT NULL
);


--
-- Name: mailboxhealth; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.mailboxhealth (
    mailbox character varying(255) NOT NULL,
    checked_at timestamp without time zone,
    failing_since timestamp without time zone,
    last_error text
);


--
-- Name: message; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.message (
    id integer NOT NULL,
    ticket_id integer NOT NULL,
    spool_id integer,
    direction character varying(255) NOT NULL,
    kind character varying(255) NOT NULL,
    from_addr character varying(255) NOT NULL,
    to_addrs text NOT NULL,
    cc_addrs text NOT NULL,
    subject text NOT NULL,
    text text NOT NULL,
    visible_text text NOT NULL,
    html text NOT NULL,
    message_id character varying(255),
    thread_rung character varying(255),
    defects text NOT NULL,
    sent_at timestamp without time zone,
    created_at timestamp without time zone NOT NULL
);


--
-- Name: message_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.message_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: message_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.message_id_seq OWNED BY public.message.id;


--
-- Name: meta; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.meta (
    key character varying(255) NOT NULL,
    value text NOT NULL
);


--
-- Name: outbox; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.outbox (
    id integer NOT NULL,
    ticket_id integer,
    kind character varying(255) NOT NULL,
    to_addrs text NOT NULL,
    subject text NOT NULL,
    message_id character varying(255) NOT NULL,
    raw bytea NOT NULL,
    rate_key character varying(255),
    status character varying(255) NOT NULL,
    attempts integer NOT NULL,
    next_attempt_at timestamp without time zone NOT NULL,
    claimed_until timestamp without time zone,
    last_error text,
    created_at timestamp without time zone NOT NULL,
    sent_at timestamp without time zone
);


--
-- Name: outbox_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.outbox_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: outbox_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.outbox_id_seq OWNED BY public.outbox.id;


--
-- Name: participant; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.participant (
    id integer NOT NULL,
    ticket_id integer NOT NULL,
    email character varying(255) NOT NULL,
    name character varying(255) NOT NULL
);


--
-- Name: participant_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.participant_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: participant_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.participant_id_seq OWNED BY public.participant.id;


--
-- Name: spool; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.spool (
    id integer NOT NULL,
    received_at timestamp without time zone NOT NULL,
    source character varying(255) NOT NULL,
    mailbox character varying(255) NOT NULL,
    dedupe_key character varying(255) NOT NULL,
    mail_from text NOT NULL,
    rcpt_to text NOT NULL,
    queue_hint character varying(255),
    raw bytea NOT NULL,
    size integer NOT NULL,
    state character varying(255) NOT NULL,
    attempts integer NOT NULL,
    claimed_until timestamp without time zone,
    reason text,
    outcome text,
    ticket_id integer
);


--
-- Name: spool_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.spool_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: spool_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.spool_id_seq OWNED BY public.spool.id;


--
-- Name: ticket; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.ticket (
    id integer NOT NULL,
    subject text NOT NULL,
    status character varying(255) NOT NULL,
    queue character varying(255) NOT NULL,
    assignee character varying(255),
    requester character varying(255) NOT NULL,
    requester_name character varying(255) NOT NULL,
    priority character varying(255) NOT NULL,
    tags text NOT NULL,
    created_at timestamp without time zone NOT NULL,
    updated_at timestamp without time zone NOT NULL,
    resolved_at timestamp without time zone,
    resolved_by character varying(255),
    closed_at timestamp without time zone,
    root_message_id character varying(255),
    merged_from integer
);


--
-- Name: ticket_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.ticket_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: ticket_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.ticket_id_seq OWNED BY public.ticket.id;


--
-- Name: attachment id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.attachment ALTER COLUMN id SET DEFAULT nextval('public.attachment_id_seq'::regclass);


--
-- Name: event id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.event ALTER COLUMN id SET DEFAULT nextval('public.event_id_seq'::regclass);


--
-- Name: message id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.message ALTER COLUMN id SET DEFAULT nextval('public.message_id_seq'::regclass);


--
-- Name: outbox id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.outbox ALTER COLUMN id SET DEFAULT nextval('public.outbox_id_seq'::regclass);


--
-- Name: participant id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.participant ALTER COLUMN id SET DEFAULT nextval('public.participant_id_seq'::regclass);


--
-- Name: spool id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.spool ALTER COLUMN id SET DEFAULT nextval('public.spool_id_seq'::regclass);


--
-- Name: ticket id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.ticket ALTER COLUMN id SET DEFAULT nextval('public.ticket_id_seq'::regclass);


--
-- Data for Name: assigncursor; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.assigncursor VALUES ('billing', 'alice@example.com');
INSERT INTO public.assigncursor VALUES ('general', 'alice@example.com');


--
-- Data for Name: attachment; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.attachment VALUES (1, 4, 'scan.pdf', 'application/pdf', 760, 'd923565d48fba229096941dd3fb92469422a9f096637ac2fd011a771900d468f', '', false);


--
-- Data for Name: blob; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.blob VALUES ('d923565d48fba229096941dd3fb92469422a9f096637ac2fd011a771900d468f', '\x255044462d312e342066616b65207363616e0a255044462d312e342066616b65207363616e0a255044462d312e342066616b65207363616e0a255044462d312e342066616b65207363616e0a255044462d312e342066616b65207363616e0a255044462d312e342066616b65207363616e0a255044462d312e342066616b65207363616e0a255044462d312e342066616b65207363616e0a255044462d312e342066616b65207363616e0a255044462d312e342066616b65207363616e0a255044462d312e342066616b65207363616e0a255044462d312e342066616b65207363616e0a255044462d312e342066616b65207363616e0a255044462d312e342066616b65207363616e0a255044462d312e342066616b65207363616e0a255044462d312e342066616b65207363616e0a255044462d312e342066616b65207363616e0a255044462d312e342066616b65207363616e0a255044462d312e342066616b65207363616e0a255044462d312e342066616b65207363616e0a255044462d312e342066616b65207363616e0a255044462d312e342066616b65207363616e0a255044462d312e342066616b65207363616e0a255044462d312e342066616b65207363616e0a255044462d312e342066616b65207363616e0a255044462d312e342066616b65207363616e0a255044462d312e342066616b65207363616e0a255044462d312e342066616b65207363616e0a255044462d312e342066616b65207363616e0a255044462d312e342066616b65207363616e0a255044462d312e342066616b65207363616e0a255044462d312e342066616b65207363616e0a255044462d312e342066616b65207363616e0a255044462d312e342066616b65207363616e0a255044462d312e342066616b65207363616e0a255044462d312e342066616b65207363616e0a255044462d312e342066616b65207363616e0a255044462d312e342066616b65207363616e0a255044462d312e342066616b65207363616e0a255044462d312e342066616b65207363616e0a', 760);


--
-- Data for Name: bouncingaddress; Type: TABLE DATA; Schema: public; Owner: -
--



--
-- Data for Name: event; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.event VALUES (1, 1, '2026-11-28 09:59:31.888391', 'dana@customer.example', 'created', NULL, 'new ticket in general (recipient support@example.com)');
INSERT INTO public.event VALUES (2, 1, '2026-11-28 09:59:31.89079', 'ticketd', 'queue', NULL, 'general (recipient support@example.com)');
INSERT INTO public.event VALUES (3, 1, '2026-11-28 09:59:31.895807', 'ticketd (round_robin)', 'assignee', NULL, 'alice@example.com');
INSERT INTO public.event VALUES (4, 1, '2026-11-28 09:59:31.922904', 'ticketd', 'notified', NULL, 'ack to dana@customer.example');
INSERT INTO public.event VALUES (5, 1, '2026-11-28 09:59:31.931983', 'ticketd', 'notified', NULL, 'staff_new to alice@example.com');
INSERT INTO public.event VALUES (6, 2, '2026-11-28 09:59:31.93823', 'erin@customer.example', 'created', NULL, 'new ticket in general (recipient support@example.com)');
INSERT INTO public.event VALUES (7, 2, '2026-11-28 09:59:31.938859', 'ticketd', 'queue', NULL, 'general (recipient support@example.com)');
INSERT INTO public.event VALUES (8, 2, '2026-11-28 09:59:31.941268', 'ticketd (round_robin)', 'assignee', NULL, 'bob@example.com');
INSERT INTO public.event VALUES (9, 2, '2026-11-28 09:59:31.945828', 'erin@customer.example', 'participant added', NULL, 'frank@customer.example');
INSERT INTO public.event VALUES (10, 2, '2026-11-28 09:59:31.95447', 'ticketd', 'notified', NULL, 'ack to erin@customer.example');
INSERT INTO public.event VALUES (11, 2, '2026-11-28 09:59:31.967848', 'ticketd', 'notified', NULL, 'staff_new to bob@example.com');
INSERT INTO public.event VALUES (12, 3, '2026-11-28 09:59:31.994135', 'gus@customer.example', 'created', NULL, 'new ticket in billing (rule ''Refunds go to billing'')');
INSERT INTO public.event VALUES (13, 3, '2026-11-28 09:59:31.994697', 'ticketd', 'queue', NULL, 'billing (rule ''Refunds go to billing'')');
INSERT INTO public.event VALUES (14, 3, '2026-11-28 09:59:31.995548', 'ticketd', 'rule', NULL, 'Refunds go to billing: subject has ''refund''');
INSERT INTO public.event VALUES (15, 3, '2026-11-28 09:59:31.998831', 'ticketd (least_open)', 'assignee', NULL, 'carol@example.com');
INSERT INTO public.event VALUES (16, 3, '2026-11-28 09:59:32.013734', 'ticketd', 'notified', NULL, 'ack to gus@customer.example');
INSERT INTO public.event VALUES (17, 3, '2026-11-28 09:59:32.02103', 'ticketd', 'notified', NULL, 'staff_new to carol@example.com');
INSERT INTO public.event VALUES (18, 4, '2026-11-28 09:59:32.02655', 'nobody@customer.example', 'created', NULL, 'new ticket in general (recipient support@example.com)');
INSERT INTO public.event VALUES (19, 4, '2026-11-28 09:59:32.028096', 'ticketd', 'queue', NULL, 'general (recipient support@example.com)');
INSERT INTO public.event VALUES (20, 4, '2026-11-28 09:59:32.029669', 'ticketd (round_robin)', 'assignee', NULL, 'carol@example.com');
INSERT INTO public.event VALUES (21, 4, '2026-11-28 09:59:32.036891', 'ticketd', 'notified', NULL, 'ack to nobody@customer.example');
INSERT INTO public.event VALUES (22, 4, '2026-11-28 09:59:32.044239', 'ticketd', 'notified', NULL, 'staff_new to carol@example.com');
INSERT INTO public.event VALUES (23, 4, '2026-11-28 09:59:32.069073', 'ticketd', 'delivery failed', 'nobody@customer.example', 'nobody@customer.example: 550 5.1.1 no such user');
INSERT INTO public.event VALUES (24, 1, '2026-11-28 09:59:32.160083', 'dana@customer.example', 'reply', NULL, 'follow-up on #1 by subject tag');
INSERT INTO public.event VALUES (25, 1, '2026-11-28 09:59:32.169113', 'ticketd', 'notified', NULL, 'staff_followup to alice@example.com');
INSERT INTO public.event VALUES (26, 1, '2026-11-28 09:59:32.195278', 'alice@example.com', 'staff', NULL, 'staff reply on #1 by subject tag (#status pending)');
INSERT INTO public.event VALUES (27, 1, '2026-11-28 09:59:32.196495', 'alice@example.com', 'status', 'new', 'pending');
INSERT INTO public.event VALUES (28, 1, '2026-11-28 09:59:32.206114', 'ticketd', 'notified', NULL, 'relay to dana@customer.example');
INSERT INTO public.event VALUES (29, 2, '2026-11-28 09:59:32.214931', 'bob@example.com', 'note', NULL, 'internal note on #2 by subject tag (#note)');
INSERT INTO public.event VALUES (30, 2, '2026-11-28 09:59:32.215989', 'bob@example.com', 'status', 'new', 'open');
INSERT INTO public.event VALUES (31, 2, '2026-11-28 09:59:32.216882', 'bob@example.com', 'note', NULL, 'The scan is blurry.');
INSERT INTO public.event VALUES (32, 2, '2026-11-28 09:59:32.229957', 'ticketd', 'notified', NULL, 'note to alice@example.com, carol@example.com');
INSERT INTO public.event VALUES (33, 5, '2026-11-28 09:59:32.289642', 'hal@customer.example', 'created', NULL, 'new ticket in general (recipient support@example.com)');
INSERT INTO public.event VALUES (34, 5, '2026-11-28 09:59:32.290113', 'ticketd', 'queue', NULL, 'general (recipient support@example.com)');
INSERT INTO public.event VALUES (35, 5, '2026-11-28 09:59:32.29154', 'ticketd (round_robin)', 'assignee', NULL, 'alice@example.com');
INSERT INTO public.event VALUES (36, 5, '2026-11-28 09:59:32.299797', 'ticketd', 'notified', NULL, 'ack to hal@customer.example');
INSERT INTO public.event VALUES (37, 5, '2026-11-28 09:59:32.306853', 'ticketd', 'notified', NULL, 'staff_new to alice@example.com');


--
-- Data for Name: imapstate; Type: TABLE DATA; Schema: public; Owner: -
--



--
-- Data for Name: mailboxhealth; Type: TABLE DATA; Schema: public; Owner: -
--



--
-- Data for Name: message; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.message VALUES (1, 1, 1, 'in', 'customer', 'dana@customer.example', '["support@example.com"]', '[]', 'Printer on fire', 'My printer is on fire.
', 'My printer is on fire.', '', 'v1-a@customer.example', NULL, '[]', '2026-11-02 10:00:00', '2026-11-28 09:59:31.897372');
INSERT INTO public.message VALUES (2, 1, NULL, 'out', 'notification', 'support@example.com', '["dana@customer.example"]', '[]', '[Ticket #1] Printer on fire', 'Hello Dana Customer,

we have received your message and opened ticket [Ticket #1].
Our general team will answer you as soon as they can.

To add anything, just reply to this mail and keep [Ticket #1] in the subject.

Your message:
  My printer is on fire.

-- 
Example Support
', 'Hello Dana Customer,

we have received your message and opened ticket [Ticket #1].
Our general team will answer you as soon as they can.

To add anything, just reply to this mail and keep [Ticket #1] in the subject.

Your message:
  My printer is on fire.

-- 
Example Support
', '', 'ticketd.8aa7f62ae8f6c319d26994ed@example.com', NULL, '[]', NULL, '2026-11-28 09:59:31.917697');
INSERT INTO public.message VALUES (3, 1, NULL, 'out', 'notification', 'support@example.com', '["alice@example.com"]', '[]', '[Ticket #1] Printer on fire', 'New ticket [Ticket #1] in queue general
From:     Dana Customer <dana@customer.example>
Priority: normal
Assignee: alice@example.com

My printer is on fire.


-- 
Reply to this mail to answer the customer. Lines at the top such as
"#assign me", "#status pending" or "#note" change the ticket instead.
', 'New ticket [Ticket #1] in queue general
From:     Dana Customer <dana@customer.example>
Priority: normal
Assignee: alice@example.com

My printer is on fire.


-- 
Reply to this mail to answer the customer. Lines at the top such as
"#assign me", "#status pending" or "#note" change the ticket instead.
', '', 'ticketd.9d9165c8027a7d688875e444@example.com', NULL, '[]', NULL, '2026-11-28 09:59:31.929679');
INSERT INTO public.message VALUES (4, 2, 2, 'in', 'customer', 'erin@customer.example', '["support@example.com"]', '["frank@customer.example"]', 'Scan attached', 'See the scan.
', 'See the scan.', '', 'v1-b@customer.example', NULL, '[]', '2026-11-02 10:00:00', '2026-11-28 09:59:31.941854');
INSERT INTO public.message VALUES (5, 2, NULL, 'out', 'notification', 'support@example.com', '["erin@customer.example"]', '[]', '[Ticket #2] Scan attached', 'Hello Erin,

we have received your message and opened ticket [Ticket #2].
Our general team will answer you as soon as they can.

To add anything, just reply to this mail and keep [Ticket #2] in the subject.

Your message:
  See the scan.

-- 
Example Support
', 'Hello Erin,

we have received your message and opened ticket [Ticket #2].
Our general team will answer you as soon as they can.

To add anything, just reply to this mail and keep [Ticket #2] in the subject.

Your message:
  See the scan.

-- 
Example Support
', '', 'ticketd.da05cb00ba93110bf9d3fb24@example.com', NULL, '[]', NULL, '2026-11-28 09:59:31.952107');
INSERT INTO public.message VALUES (6, 2, NULL, 'out', 'notification', 'support@example.com', '["bob@example.com"]', '[]', '[Ticket #2] Scan attached', 'New ticket [Ticket #2] in queue general
From:     Erin <erin@customer.example>
Priority: normal
Assignee: bob@example.com

See the scan.


-- 
Reply to this mail to answer the customer. Lines at the top such as
"#assign me", "#status pending" or "#note" change the ticket instead.
', 'New ticket [Ticket #2] in queue general
From:     Erin <erin@customer.example>
Priority: normal
Assignee: bob@example.com

See the scan.


-- 
Reply to this mail to answer the customer. Lines at the top such as
"#assign me", "#status pending" or "#note" change the ticket instead.
', '', 'ticketd.075fd0bdc3c6e96d7725e276@example.com', NULL, '[]', NULL, '2026-11-28 09:59:31.963872');
INSERT INTO public.message VALUES (7, 3, 3, 'in', 'customer', 'gus@customer.example', '["support@example.com"]', '[]', 'Refund for invoice 7', 'Please refund.
', 'Please refund.', '', 'v1-c@customer.example', NULL, '[]', '2026-11-02 10:00:00', '2026-11-28 09:59:31.999625');
INSERT INTO public.message VALUES (8, 3, NULL, 'out', 'notification', 'support@example.com', '["gus@customer.example"]', '[]', '[Ticket #3] Refund for invoice 7', 'Hello Gus,

we have received your message and opened ticket [Ticket #3].
Our billing team will answer you as soon as they can.

To add anything, just reply to this mail and keep [Ticket #3] in the subject.

Your message:
  Please refund.

-- 
Example Support
', 'Hello Gus,

we have received your message and opened ticket [Ticket #3].
Our billing team will answer you as soon as they can.

To add anything, just reply to this mail and keep [Ticket #3] in the subject.

Your message:
  Please refund.

-- 
Example Support
', '', 'ticketd.bcc7f2d9a47a9855b4ff5639@example.com', NULL, '[]', NULL, '2026-11-28 09:59:32.008589');
INSERT INTO public.message VALUES (9, 3, NULL, 'out', 'notification', 'support@example.com', '["carol@example.com"]', '[]', '[Ticket #3] Refund for invoice 7', 'New ticket [Ticket #3] in queue billing
From:     Gus <gus@customer.example>
Priority: high
Assignee: carol@example.com
Tags:     finance

Please refund.


-- 
Reply to this mail to answer the customer. Lines at the top such as
"#assign me", "#status pending" or "#note" change the ticket instead.
', 'New ticket [Ticket #3] in queue billing
From:     Gus <gus@customer.example>
Priority: high
Assignee: carol@example.com
Tags:     finance

Please refund.


-- 
Reply to this mail to answer the customer. Lines at the top such as
"#assign me", "#status pending" or "#note" change the ticket instead.
', '', 'ticketd.0fdf7ffb8031da0663c524d3@example.com', NULL, '[]', NULL, '2026-11-28 09:59:32.017471');
INSERT INTO public.message VALUES (10, 4, 4, 'in', 'customer', 'nobody@customer.example', '["support@example.com"]', '[]', 'Bounce me', 'Ack goes nowhere.
', 'Ack goes nowhere.', '', 'v1-d@customer.example', NULL, '[]', '2026-11-02 10:00:00', '2026-11-28 09:59:32.030103');
INSERT INTO public.message VALUES (11, 4, NULL, 'out', 'notification', 'support@example.com', '["nobody@customer.example"]', '[]', '[Ticket #4] Bounce me', 'Hello Nobody,

we have received your message and opened ticket [Ticket #4].
Our general team will answer you as soon as they can.

To add anything, just reply to this mail and keep [Ticket #4] in the subject.

Your message:
  Ack goes nowhere.

-- 
Example Support
', 'Hello Nobody,

we have received your message and opened ticket [Ticket #4].
Our general team will answer you as soon as they can.

To add anything, just reply to this mail and keep [Ticket #4] in the subject.

Your message:
  Ack goes nowhere.

-- 
Example Support
', '', 'ticketd.149d422024e9fb816ace9a7e@example.com', NULL, '[]', NULL, '2026-11-28 09:59:32.035485');
INSERT INTO public.message VALUES (12, 4, NULL, 'out', 'notification', 'support@example.com', '["carol@example.com"]', '[]', '[Ticket #4] Bounce me', 'New ticket [Ticket #4] in queue general
From:     Nobody <nobody@customer.example>
Priority: normal
Assignee: carol@example.com

Ack goes nowhere.


-- 
Reply to this mail to answer the customer. Lines at the top such as
"#assign me", "#status pending" or "#note" change the ticket instead.
', 'New ticket [Ticket #4] in queue general
From:     Nobody <nobody@customer.example>
Priority: normal
Assignee: carol@example.com

Ack goes nowhere.


-- 
Reply to this mail to answer the customer. Lines at the top such as
"#assign me", "#status pending" or "#note" change the ticket instead.
', '', 'ticketd.9560dccba89fcdadfa2e343d@example.com', NULL, '[]', NULL, '2026-11-28 09:59:32.040998');
INSERT INTO public.message VALUES (13, 1, 6, 'in', 'customer', 'dana@customer.example', '["support@example.com"]', '[]', 'Re: [Ticket #1] Printer on fire', 'Still burning.
', 'Still burning.', '', 'v1-e@customer.example', 'follow-up on #1 by subject tag', '[]', '2026-11-02 10:00:00', '2026-11-28 09:59:32.158943');
INSERT INTO public.message VALUES (14, 1, NULL, 'out', 'notification', 'support@example.com', '["alice@example.com"]', '[]', '[Ticket #1] Printer on fire', 'Dana Customer wrote on [Ticket #1] (status new):

Still burning.

-- 
Reply to this mail to answer the customer.
', 'Dana Customer wrote on [Ticket #1] (status new):

Still burning.

-- 
Reply to this mail to answer the customer.
', '', 'ticketd.53252438146aea48fa5b67d4@example.com', NULL, '[]', NULL, '2026-11-28 09:59:32.166837');
INSERT INTO public.message VALUES (15, 1, 7, 'in', 'staff', 'alice@example.com', '["support@example.com"]', '[]', 'Re: [Ticket #1] Printer on fire', '#status pending

Please unplug it and tell us.
', '#status pending

Please unplug it and tell us.', '', 'v1-f@example.com', 'staff reply on #1 by subject tag (#status pending)', '[]', '2026-11-02 10:00:00', '2026-11-28 09:59:32.194487');
INSERT INTO public.message VALUES (16, 1, NULL, 'out', 'staff', 'support@example.com', '["dana@customer.example"]', '[]', 'Re: [Ticket #1] Printer on fire', 'Please unplug it and tell us.

We are waiting for your answer to go on with this ticket.

-- 
Alice Doe, Example Support
Reply to this mail and keep [Ticket #1] in the subject.
', 'Please unplug it and tell us.

We are waiting for your answer to go on with this ticket.

-- 
Alice Doe, Example Support
Reply to this mail and keep [Ticket #1] in the subject.
', '', 'ticketd.ada41647a8d089bf167988ce@example.com', NULL, '[]', NULL, '2026-11-28 09:59:32.203805');
INSERT INTO public.message VALUES (17, 2, 8, 'in', 'note', 'bob@example.com', '["support@example.com"]', '[]', 'Re: [Ticket #2] Scan attached', '#note
The scan is blurry.
', '#note
The scan is blurry.', '', 'v1-g@example.com', 'internal note on #2 by subject tag (#note)', '[]', '2026-11-02 10:00:00', '2026-11-28 09:59:32.214069');
INSERT INTO public.message VALUES (18, 2, NULL, 'out', 'notification', 'support@example.com', '["alice@example.com", "carol@example.com"]', '[]', '[Ticket #2] note: Scan attached', 'Internal note by Bob Roe on [Ticket #2] (not sent to the customer):

The scan is blurry.
', 'Internal note by Bob Roe on [Ticket #2] (not sent to the customer):

The scan is blurry.
', '', 'ticketd.0cf2b09425472c79382c4e62@example.com', NULL, '[]', NULL, '2026-11-28 09:59:32.224272');
INSERT INTO public.message VALUES (19, 5, 9, 'in', 'customer', 'hal@customer.example', '["support@example.com"]', '[]', 'VPN down', 'The VPN is down.
', 'The VPN is down.', '', 'v1-h@customer.example', NULL, '[]', '2026-11-02 10:00:00', '2026-11-28 09:59:32.291947');
INSERT INTO public.message VALUES (20, 5, NULL, 'out', 'notification', 'support@example.com', '["hal@customer.example"]', '[]', '[Ticket #5] VPN down', 'Hello Hal,

we have received your message and opened ticket [Ticket #5].
Our general team will answer you as soon as they can.

To add anything, just reply to this mail and keep [Ticket #5] in the subject.

Your message:
  The VPN is down.

-- 
Example Support
', 'Hello Hal,

we have received your message and opened ticket [Ticket #5].
Our general team will answer you as soon as they can.

To add anything, just reply to this mail and keep [Ticket #5] in the subject.

Your message:
  The VPN is down.

-- 
Example Support
', '', 'ticketd.bf0ca4a40cfcbaff4af9af36@example.com', NULL, '[]', NULL, '2026-11-28 09:59:32.298089');
INSERT INTO public.message VALUES (21, 5, NULL, 'out', 'notification', 'support@example.com', '["alice@example.com"]', '[]', '[Ticket #5] VPN down', 'New ticket [Ticket #5] in queue general
From:     Hal <hal@customer.example>
Priority: normal
Assignee: alice@example.com

The VPN is down.


-- 
Reply to this mail to answer the customer. Lines at the top such as
"#assign me", "#status pending" or "#note" change the ticket instead.
', 'New ticket [Ticket #5] in queue general
From:     Hal <hal@customer.example>
Priority: normal
Assignee: alice@example.com

The VPN is down.


-- 
Reply to this mail to answer the customer. Lines at the top such as
"#assign me", "#status pending" or "#note" change the ticket instead.
', '', 'ticketd.e6d3d25fd9c61f4b6346434c@example.com', NULL, '[]', NULL, '2026-11-28 09:59:32.305004');


--
-- Data for Name: meta; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.meta VALUES ('schema_version', '1');


--
-- Data for Name: outbox; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.outbox VALUES (5, 3, 'ack', '["gus@customer.example"]', '[Ticket #3] Refund for invoice 7', 'ticketd.bcc7f2d9a47a9855b4ff5639@example.com', '\x46726f6d3a204578616d706c6520537570706f7274203c737570706f7274406578616d706c652e636f6d3e0d0a546f3a2067757340637573746f6d65722e6578616d706c650d0a5375626a6563743a205b5469636b65742023335d20526566756e6420666f7220696e766f69636520370d0a446174653a205361742c203238204e6f7620323032362030393a35393a3332202b303030300d0a4d6573736167652d49443a203c7469636b6574642e626363376632643961343761393835356234666635363339406578616d706c652e636f6d3e0d0a496e2d5265706c792d546f3a203c76312d6340637573746f6d65722e6578616d706c653e0d0a5265666572656e6365733a203c76312d6340637573746f6d65722e6578616d706c653e0d0a4175746f2d5375626d69747465643a206175746f2d7265706c6965640d0a582d4175746f2d526573706f6e73652d53757070726573733a20416c6c0d0a507265636564656e63653a2062756c6b0d0a582d5469636b6574642d5469636b65743a20330d0a436f6e74656e742d547970653a20746578742f706c61696e3b20636861727365743d227574662d38220d0a436f6e74656e742d5472616e736665722d456e636f64696e673a2071756f7465642d7072696e7461626c650d0a4d494d452d56657273696f6e3a20312e300d0a0d0a48656c6c6f204775732c0d0a0d0a7765206861766520726563656976656420796f7572206d65737361676520616e64206f70656e6564207469636b6574205b5469636b65742023335d2e0d0a4f75722062696c6c696e67207465616d2077696c6c20616e7377657220796f7520617320736f6f6e20617320746865792063616e2e0d0a0d0a546f2061646420616e797468696e672c206a757374207265706c7920746f2074686973206d61696c20616e64206b656570205b5469636b65742023335d20696e20746865207375626a6563742e0d0a0d0a596f7572206d6573736167653a0d0a2020506c6561736520726566756e642e0d0a0d0a2d2d3d32300d0a4578616d706c6520537570706f72740d0a', 'gus@customer.example', 'sent', 1, '2026-11-28 09:59:32.012268', NULL, NULL, '2026-11-28 09:59:32.012273', '2026-11-28 09:59:32.055832');
INSERT INTO public.outbox VALUES (1, 1, 'ack', '["dana@customer.example"]', '[Ticket #1] Printer on fire', 'ticketd.8aa7f62ae8f6c319d26994ed@example.com', '\x46726f6d3a204578616d706c6520537570706f7274203c737570706f7274406578616d706c652e636f6d3e0d0a546f3a2064616e6140637573746f6d65722e6578616d706c650d0a5375626a6563743a205b5469636b65742023315d205072696e746572206f6e20666972650d0a446174653a205361742c203238204e6f7620323032362030393a35393a3331202b303030300d0a4d6573736167652d49443a203c7469636b6574642e386161376636326165386636633331396432363939346564406578616d706c652e636f6d3e0d0a496e2d5265706c792d546f3a203c76312d6140637573746f6d65722e6578616d706c653e0d0a5265666572656e6365733a203c76312d6140637573746f6d65722e6578616d706c653e0d0a4175746f2d5375626d69747465643a206175746f2d7265706c6965640d0a582d4175746f2d526573706f6e73652d53757070726573733a20416c6c0d0a507265636564656e63653a2062756c6b0d0a582d5469636b6574642d5469636b65743a20310d0a436f6e74656e742d547970653a20746578742f706c61696e3b20636861727365743d227574662d38220d0a436f6e74656e742d5472616e736665722d456e636f64696e673a2071756f7465642d7072696e7461626c650d0a4d494d452d56657273696f6e3a20312e300d0a0d0a48656c6c6f2044616e6120437573746f6d65722c0d0a0d0a7765206861766520726563656976656420796f7572206d65737361676520616e64206f70656e6564207469636b6574205b5469636b65742023315d2e0d0a4f75722067656e6572616c207465616d2077696c6c20616e7377657220796f7520617320736f6f6e20617320746865792063616e2e0d0a0d0a546f2061646420616e797468696e672c206a757374207265706c7920746f2074686973206d61696c20616e64206b656570205b5469636b65742023315d20696e20746865207375626a6563742e0d0a0d0a596f7572206d6573736167653a0d0a20204d79207072696e746572206973206f6e20666972652e0d0a0d0a2d2d3d32300d0a4578616d706c6520537570706f72740d0a', 'dana@customer.example', 'sent', 1, '2026-11-28 09:59:31.921184', NULL, NULL, '2026-11-28 09:59:31.921188', '2026-11-28 09:59:31.996681');
INSERT INTO public.outbox VALUES (2, 1, 'staff_new', '["alice@example.com"]', '[Ticket #1] Printer on fire', 'ticketd.9d9165c8027a7d688875e444@example.com', '\x46726f6d3a204578616d706c6520537570706f7274203c737570706f7274406578616d706c652e636f6d3e0d0a546f3a20616c696365406578616d706c652e636f6d0d0a5375626a6563743a205b5469636b65742023315d205072696e746572206f6e20666972650d0a446174653a205361742c203238204e6f7620323032362030393a35393a3331202b303030300d0a4d6573736167652d49443a203c7469636b6574642e396439313635633830323761376436383838373565343434406578616d706c652e636f6d3e0d0a496e2d5265706c792d546f3a203c76312d6140637573746f6d65722e6578616d706c653e0d0a5265666572656e6365733a0d0a203c76312d6140637573746f6d65722e6578616d706c653e203c7469636b6574642e386161376636326165386636633331396432363939346564406578616d706c652e636f6d3e0d0a4175746f2d5375626d69747465643a206175746f2d67656e6572617465640d0a582d4175746f2d526573706f6e73652d53757070726573733a20416c6c0d0a507265636564656e63653a2062756c6b0d0a582d5469636b6574642d5469636b65743a20310d0a436f6e74656e742d547970653a20746578742f706c61696e3b20636861727365743d227574662d38220d0a436f6e74656e742d5472616e736665722d456e636f64696e673a2071756f7465642d7072696e7461626c650d0a4d494d452d56657273696f6e3a20312e300d0a0d0a4e6577207469636b6574205b5469636b65742023315d20696e2071756575652067656e6572616c0d0a46726f6d3a202020202044616e6120437573746f6d6572203c64616e6140637573746f6d65722e6578616d706c653e0d0a5072696f726974793a206e6f726d616c0d0a41737369676e65653a20616c696365406578616d706c652e636f6d0d0a0d0a4d79207072696e746572206973206f6e20666972652e0d0a0d0a0d0a2d2d3d32300d0a5265706c7920746f2074686973206d61696c20746f20616e737765722074686520637573746f6d65722e204c696e65732061742074686520746f7020737563682061730d0a222361737369676e206d65222c2022237374617475732070656e64696e6722206f722022236e6f746522206368616e676520746865207469636b657420696e73746561642e0d0a', NULL, 'sent', 1, '2026-11-28 09:59:31.931172', NULL, NULL, '2026-11-28 09:59:31.931174', '2026-11-28 09:59:32.00451');
INSERT INTO public.outbox VALUES (3, 2, 'ack', '["erin@customer.example"]', '[Ticket #2] Scan attached', 'ticketd.da05cb00ba93110bf9d3fb24@example.com', '\x46726f6d3a204578616d706c6520537570706f7274203c737570706f7274406578616d706c652e636f6d3e0d0a546f3a206572696e40637573746f6d65722e6578616d706c650d0a5375626a6563743a205b5469636b65742023325d205363616e2061747461636865640d0a446174653a205361742c203238204e6f7620323032362030393a35393a3331202b303030300d0a4d6573736167652d49443a203c7469636b6574642e646130356362303062613933313130626639643366623234406578616d706c652e636f6d3e0d0a496e2d5265706c792d546f3a203c76312d6240637573746f6d65722e6578616d706c653e0d0a5265666572656e6365733a203c76312d6240637573746f6d65722e6578616d706c653e0d0a4175746f2d5375626d69747465643a206175746f2d7265706c6965640d0a582d4175746f2d526573706f6e73652d53757070726573733a20416c6c0d0a507265636564656e63653a2062756c6b0d0a582d5469636b6574642d5469636b65743a20320d0a436f6e74656e742d547970653a20746578742f706c61696e3b20636861727365743d227574662d38220d0a436f6e74656e742d5472616e736665722d456e636f64696e673a2071756f7465642d7072696e7461626c650d0a4d494d452d56657273696f6e3a20312e300d0a0d0a48656c6c6f204572696e2c0d0a0d0a7765206861766520726563656976656420796f7572206d65737361676520616e64206f70656e6564207469636b6574205b5469636b65742023325d2e0d0a4f75722067656e6572616c207465616d2077696c6c20616e7377657220796f7520617320736f6f6e20617320746865792063616e2e0d0a0d0a546f2061646420616e797468696e672c206a757374207265706c7920746f2074686973206d61696c20616e64206b656570205b5469636b65742023325d20696e20746865207375626a6563742e0d0a0d0a596f7572206d6573736167653a0d0a202053656520746865207363616e2e0d0a0d0a2d2d3d32300d0a4578616d706c6520537570706f72740d0a', 'erin@customer.example', 'sent', 1, '2026-11-28 09:59:31.953102', NULL, NULL, '2026-11-28 09:59:31.953104', '2026-11-28 09:59:32.014046');
INSERT INTO public.outbox VALUES (4, 2, 'staff_new', '["bob@example.com"]', '[Ticket #2] Scan attached', 'ticketd.075fd0bdc3c6e96d7725e276@example.com', '\x46726f6d3a204578616d706c6520537570706f7274203c737570706f7274406578616d706c652e636f6d3e0d0a546f3a20626f62406578616d706c652e636f6d0d0a5375626a6563743a205b5469636b65742023325d205363616e2061747461636865640d0a446174653a205361742c203238204e6f7620323032362030393a35393a3331202b303030300d0a4d6573736167652d49443a203c7469636b6574642e303735666430626463336336653936643737323565323736406578616d706c652e636f6d3e0d0a496e2d5265706c792d546f3a203c76312d6240637573746f6d65722e6578616d706c653e0d0a5265666572656e6365733a0d0a203c76312d6240637573746f6d65722e6578616d706c653e203c7469636b6574642e646130356362303062613933313130626639643366623234406578616d706c652e636f6d3e0d0a4175746f2d5375626d69747465643a206175746f2d67656e6572617465640d0a582d4175746f2d526573706f6e73652d53757070726573733a20416c6c0d0a507265636564656e63653a2062756c6b0d0a582d5469636b6574642d5469636b65743a20320d0a436f6e74656e742d547970653a20746578742f706c61696e3b20636861727365743d227574662d38220d0a436f6e74656e742d5472616e736665722d456e636f64696e673a2071756f7465642d7072696e7461626c650d0a4d494d452d56657273696f6e3a20312e300d0a0d0a4e6577207469636b6574205b5469636b65742023325d20696e2071756575652067656e6572616c0d0a46726f6d3a20202020204572696e203c6572696e40637573746f6d65722e6578616d706c653e0d0a5072696f726974793a206e6f726d616c0d0a41737369676e65653a20626f62406578616d706c652e636f6d0d0a0d0a53656520746865207363616e2e0d0a0d0a0d0a2d2d3d32300d0a5265706c7920746f2074686973206d61696c20746f20616e737765722074686520637573746f6d65722e204c696e65732061742074686520746f7020737563682061730d0a222361737369676e206d65222c2022237374617475732070656e64696e6722206f722022236e6f746522206368616e676520746865207469636b657420696e73746561642e0d0a', NULL, 'sent', 1, '2026-11-28 09:59:31.9672', NULL, NULL, '2026-11-28 09:59:31.967203', '2026-11-28 09:59:32.020325');
INSERT INTO public.outbox VALUES (7, 4, 'ack', '["nobody@customer.example"]', '[Ticket #4] Bounce me', 'ticketd.149d422024e9fb816ace9a7e@example.com', '\x46726f6d3a204578616d706c6520537570706f7274203c737570706f7274406578616d706c652e636f6d3e0d0a546f3a206e6f626f647940637573746f6d65722e6578616d706c650d0a5375626a6563743a205b5469636b65742023345d20426f756e6365206d650d0a446174653a205361742c203238204e6f7620323032362030393a35393a3332202b303030300d0a4d6573736167652d49443a203c7469636b6574642e313439643432323032346539666238313661636539613765406578616d706c652e636f6d3e0d0a496e2d5265706c792d546f3a203c76312d6440637573746f6d65722e6578616d706c653e0d0a5265666572656e6365733a203c76312d6440637573746f6d65722e6578616d706c653e0d0a4175746f2d5375626d69747465643a206175746f2d7265706c6965640d0a582d4175746f2d526573706f6e73652d53757070726573733a20416c6c0d0a507265636564656e63653a2062756c6b0d0a582d5469636b6574642d5469636b65743a20340d0a436f6e74656e742d547970653a20746578742f706c61696e3b20636861727365743d227574662d38220d0a436f6e74656e742d5472616e736665722d456e636f64696e673a2071756f7465642d7072696e7461626c650d0a4d494d452d56657273696f6e3a20312e300d0a0d0a48656c6c6f204e6f626f64792c0d0a0d0a7765206861766520726563656976656420796f7572206d65737361676520616e64206f70656e6564207469636b6574205b5469636b65742023345d2e0d0a4f75722067656e6572616c207465616d2077696c6c20616e7377657220796f7520617320736f6f6e20617320746865792063616e2e0d0a0d0a546f2061646420616e797468696e672c206a757374207265706c7920746f2074686973206d61696c20616e64206b656570205b5469636b65742023345d20696e20746865207375626a6563742e0d0a0d0a596f7572206d6573736167653a0d0a202041636b20676f6573206e6f77686572652e0d0a0d0a2d2d3d32300d0a4578616d706c6520537570706f72740d0a', 'nobody@customer.example', 'failed', 1, '2026-11-28 09:59:32.036308', NULL, 'nobody@customer.example: 550 5.1.1 no such user', '2026-11-28 09:59:32.03631', NULL);
INSERT INTO public.outbox VALUES (8, 4, 'staff_new', '["carol@example.com"]', '[Ticket #4] Bounce me', 'ticketd.9560dccba89fcdadfa2e343d@example.com', '\x46726f6d3a204578616d706c6520537570706f7274203c737570706f7274406578616d706c652e636f6d3e0d0a546f3a206361726f6c406578616d706c652e636f6d0d0a5375626a6563743a205b5469636b65742023345d20426f756e6365206d650d0a446174653a205361742c203238204e6f7620323032362030393a35393a3332202b303030300d0a4d6573736167652d49443a203c7469636b6574642e393536306463636261383966636461646661326533343364406578616d706c652e636f6d3e0d0a496e2d5265706c792d546f3a203c76312d6440637573746f6d65722e6578616d706c653e0d0a5265666572656e6365733a0d0a203c76312d6440637573746f6d65722e6578616d706c653e203c7469636b6574642e313439643432323032346539666238313661636539613765406578616d706c652e636f6d3e0d0a4175746f2d5375626d69747465643a206175746f2d67656e6572617465640d0a582d4175746f2d526573706f6e73652d53757070726573733a20416c6c0d0a507265636564656e63653a2062756c6b0d0a582d5469636b6574642d5469636b65743a20340d0a436f6e74656e742d547970653a20746578742f706c61696e3b20636861727365743d227574662d38220d0a436f6e74656e742d5472616e736665722d456e636f64696e673a2071756f7465642d7072696e7461626c650d0a4d494d452d56657273696f6e3a20312e300d0a0d0a4e6577207469636b6574205b5469636b65742023345d20696e2071756575652067656e6572616c0d0a46726f6d3a20202020204e6f626f6479203c6e6f626f647940637573746f6d65722e6578616d706c653e0d0a5072696f726974793a206e6f726d616c0d0a41737369676e65653a206361726f6c406578616d706c652e636f6d0d0a0d0a41636b20676f6573206e6f77686572652e0d0a0d0a0d0a2d2d3d32300d0a5265706c7920746f2074686973206d61696c20746f20616e737765722074686520637573746f6d65722e204c696e65732061742074686520746f7020737563682061730d0a222361737369676e206d65222c2022237374617475732070656e64696e6722206f722022236e6f746522206368616e676520746865207469636b657420696e73746561642e0d0a', NULL, 'sent', 1, '2026-11-28 09:59:32.041799', NULL, NULL, '2026-11-28 09:59:32.041801', '2026-11-28 09:59:32.074435');
INSERT INTO public.outbox VALUES (10, 1, 'relay', '["dana@customer.example"]', 'Re: [Ticket #1] Printer on fire', 'ticketd.ada41647a8d089bf167988ce@example.com', '\x46726f6d3a20416c69636520446f6520766961204578616d706c6520537570706f7274203c737570706f7274406578616d706c652e636f6d3e0d0a546f3a2064616e6140637573746f6d65722e6578616d706c650d0a5375626a6563743a2052653a205b5469636b65742023315d205072696e746572206f6e20666972650d0a446174653a205361742c203238204e6f7620323032362030393a35393a3332202b303030300d0a4d6573736167652d49443a203c7469636b6574642e616461343136343761386430383962663136373938386365406578616d706c652e636f6d3e0d0a496e2d5265706c792d546f3a203c76312d6540637573746f6d65722e6578616d706c653e0d0a5265666572656e6365733a203c76312d6140637573746f6d65722e6578616d706c653e0d0a203c7469636b6574642e386161376636326165386636633331396432363939346564406578616d706c652e636f6d3e0d0a203c7469636b6574642e396439313635633830323761376436383838373565343434406578616d706c652e636f6d3e203c76312d6540637573746f6d65722e6578616d706c653e0d0a203c7469636b6574642e353332353234333831343661656134386661356236376434406578616d706c652e636f6d3e203c76312d66406578616d706c652e636f6d3e0d0a582d5469636b6574642d5469636b65743a20310d0a436f6e74656e742d547970653a20746578742f706c61696e3b20636861727365743d227574662d38220d0a436f6e74656e742d5472616e736665722d456e636f64696e673a2071756f7465642d7072696e7461626c650d0a4d494d452d56657273696f6e3a20312e300d0a0d0a506c6561736520756e706c756720697420616e642074656c6c2075732e0d0a0d0a5765206172652077616974696e6720666f7220796f757220616e7377657220746f20676f206f6e20776974682074686973207469636b65742e0d0a0d0a2d2d3d32300d0a416c69636520446f652c204578616d706c6520537570706f72740d0a5265706c7920746f2074686973206d61696c20616e64206b656570205b5469636b65742023315d20696e20746865207375626a6563742e0d0a', NULL, 'sent', 1, '2026-11-28 09:59:32.205511', NULL, NULL, '2026-11-28 09:59:32.205514', '2026-11-28 09:59:32.251445');
INSERT INTO public.outbox VALUES (9, 1, 'staff_followup', '["alice@example.com"]', '[Ticket #1] Printer on fire', 'ticketd.53252438146aea48fa5b67d4@example.com', '\x46726f6d3a204578616d706c6520537570706f7274203c737570706f7274406578616d706c652e636f6d3e0d0a546f3a20616c696365406578616d706c652e636f6d0d0a5375626a6563743a205b5469636b65742023315d205072696e746572206f6e20666972650d0a446174653a205361742c203238204e6f7620323032362030393a35393a3332202b303030300d0a4d6573736167652d49443a203c7469636b6574642e353332353234333831343661656134386661356236376434406578616d706c652e636f6d3e0d0a496e2d5265706c792d546f3a203c76312d6540637573746f6d65722e6578616d706c653e0d0a5265666572656e6365733a203c76312d6140637573746f6d65722e6578616d706c653e0d0a203c7469636b6574642e386161376636326165386636633331396432363939346564406578616d706c652e636f6d3e0d0a203c7469636b6574642e396439313635633830323761376436383838373565343434406578616d706c652e636f6d3e203c76312d6540637573746f6d65722e6578616d706c653e0d0a4175746f2d5375626d69747465643a206175746f2d67656e6572617465640d0a582d4175746f2d526573706f6e73652d53757070726573733a20416c6c0d0a507265636564656e63653a2062756c6b0d0a582d5469636b6574642d5469636b65743a20310d0a436f6e74656e742d547970653a20746578742f706c61696e3b20636861727365743d227574662d38220d0a436f6e74656e742d5472616e736665722d456e636f64696e673a2071756f7465642d7072696e7461626c650d0a4d494d452d56657273696f6e3a20312e300d0a0d0a44616e6120437573746f6d65722077726f7465206f6e205b5469636b65742023315d2028737461747573206e6577293a0d0a0d0a5374696c6c206275726e696e672e0d0a0d0a2d2d3d32300d0a5265706c7920746f2074686973206d61696c20746f20616e737765722074686520637573746f6d65722e0d0a', NULL, 'sent', 1, '2026-11-28 09:59:32.167809', NULL, NULL, '2026-11-28 09:59:32.167812', '2026-11-28 09:59:32.182719');
INSERT INTO public.outbox VALUES (12, 5, 'ack', '["hal@customer.example"]', '[Ticket #5] VPN down', 'ticketd.bf0ca4a40cfcbaff4af9af36@example.com', '\x46726f6d3a204578616d706c6520537570706f7274203c737570706f7274406578616d706c652e636f6d3e0d0a546f3a2068616c40637573746f6d65722e6578616d706c650d0a5375626a6563743a205b5469636b65742023355d2056504e20646f776e0d0a446174653a205361742c203238204e6f7620323032362030393a35393a3332202b303030300d0a4d6573736167652d49443a203c7469636b6574642e626630636134613430636663626166663461663961663336406578616d706c652e636f6d3e0d0a496e2d5265706c792d546f3a203c76312d6840637573746f6d65722e6578616d706c653e0d0a5265666572656e6365733a203c76312d6840637573746f6d65722e6578616d706c653e0d0a4175746f2d5375626d69747465643a206175746f2d7265706c6965640d0a582d4175746f2d526573706f6e73652d53757070726573733a20416c6c0d0a507265636564656e63653a2062756c6b0d0a582d5469636b6574642d5469636b65743a20350d0a436f6e74656e742d547970653a20746578742f706c61696e3b20636861727365743d227574662d38220d0a436f6e74656e742d5472616e736665722d456e636f64696e673a2071756f7465642d7072696e7461626c650d0a4d494d452d56657273696f6e3a20312e300d0a0d0a48656c6c6f2048616c2c0d0a0d0a7765206861766520726563656976656420796f7572206d65737361676520616e64206f70656e6564207469636b6574205b5469636b65742023355d2e0d0a4f75722067656e6572616c207465616d2077696c6c20616e7377657220796f7520617320736f6f6e20617320746865792063616e2e0d0a0d0a546f2061646420616e797468696e672c206a757374207265706c7920746f2074686973206d61696c20616e64206b656570205b5469636b65742023355d20696e20746865207375626a6563742e0d0a0d0a596f7572206d6573736167653a0d0a20205468652056504e20697320646f776e2e0d0a0d0a2d2d3d32300d0a4578616d706c6520537570706f72740d0a', 'hal@customer.example', 'pending', 3, '2026-11-28 09:59:37.334069', NULL, 'ConnectionRefusedError: [Errno 111] Connection refused', '2026-11-28 09:59:32.29894', NULL);
INSERT INTO public.outbox VALUES (6, 3, 'staff_new', '["carol@example.com"]', '[Ticket #3] Refund for invoice 7', 'ticketd.0fdf7ffb8031da0663c524d3@example.com', '\x46726f6d3a204578616d706c6520537570706f7274203c737570706f7274406578616d706c652e636f6d3e0d0a546f3a206361726f6c406578616d706c652e636f6d0d0a5375626a6563743a205b5469636b65742023335d20526566756e6420666f7220696e766f69636520370d0a446174653a205361742c203238204e6f7620323032362030393a35393a3332202b303030300d0a4d6573736167652d49443a203c7469636b6574642e306664663766666238303331646130363633633532346433406578616d706c652e636f6d3e0d0a496e2d5265706c792d546f3a203c76312d6340637573746f6d65722e6578616d706c653e0d0a5265666572656e6365733a0d0a203c76312d6340637573746f6d65722e6578616d706c653e203c7469636b6574642e626363376632643961343761393835356234666635363339406578616d706c652e636f6d3e0d0a4175746f2d5375626d69747465643a206175746f2d67656e6572617465640d0a582d4175746f2d526573706f6e73652d53757070726573733a20416c6c0d0a507265636564656e63653a2062756c6b0d0a582d5469636b6574642d5469636b65743a20330d0a436f6e74656e742d547970653a20746578742f706c61696e3b20636861727365743d227574662d38220d0a436f6e74656e742d5472616e736665722d456e636f64696e673a2071756f7465642d7072696e7461626c650d0a4d494d452d56657273696f6e3a20312e300d0a0d0a4e6577207469636b6574205b5469636b65742023335d20696e2071756575652062696c6c696e670d0a46726f6d3a2020202020477573203c67757340637573746f6d65722e6578616d706c653e0d0a5072696f726974793a20686967680d0a41737369676e65653a206361726f6c406578616d706c652e636f6d0d0a546167733a202020202066696e616e63650d0a0d0a506c6561736520726566756e642e0d0a0d0a0d0a2d2d3d32300d0a5265706c7920746f2074686973206d61696c20746f20616e737765722074686520637573746f6d65722e204c696e65732061742074686520746f7020737563682061730d0a222361737369676e206d65222c2022237374617475732070656e64696e6722206f722022236e6f746522206368616e676520746865207469636b657420696e73746561642e0d0a', NULL, 'sent', 1, '2026-11-28 09:59:32.02', NULL, NULL, '2026-11-28 09:59:32.020003', '2026-11-28 09:59:32.059122');
INSERT INTO public.outbox VALUES (11, 2, 'note', '["alice@example.com", "carol@example.com"]', '[Ticket #2] note: Scan attached', 'ticketd.0cf2b09425472c79382c4e62@example.com', '\x46726f6d3a204578616d706c6520537570706f7274203c737570706f7274406578616d706c652e636f6d3e0d0a546f3a20616c696365406578616d706c652e636f6d2c206361726f6c406578616d706c652e636f6d0d0a5375626a6563743a205b5469636b65742023325d206e6f74653a205363616e2061747461636865640d0a446174653a205361742c203238204e6f7620323032362030393a35393a3332202b303030300d0a4d6573736167652d49443a203c7469636b6574642e306366326230393432353437326337393338326334653632406578616d706c652e636f6d3e0d0a496e2d5265706c792d546f3a203c76312d67406578616d706c652e636f6d3e0d0a5265666572656e6365733a203c76312d6240637573746f6d65722e6578616d706c653e0d0a203c7469636b6574642e646130356362303062613933313130626639643366623234406578616d706c652e636f6d3e0d0a203c7469636b6574642e303735666430626463336336653936643737323565323736406578616d706c652e636f6d3e203c76312d67406578616d706c652e636f6d3e0d0a4175746f2d5375626d69747465643a206175746f2d67656e6572617465640d0a582d4175746f2d526573706f6e73652d53757070726573733a20416c6c0d0a507265636564656e63653a2062756c6b0d0a582d5469636b6574642d5469636b65743a20320d0a436f6e74656e742d547970653a20746578742f706c61696e3b20636861727365743d227574662d38220d0a436f6e74656e742d5472616e736665722d456e636f64696e673a2071756f7465642d7072696e7461626c650d0a4d494d452d56657273696f6e3a20312e300d0a0d0a496e7465726e616c206e6f746520627920426f6220526f65206f6e205b5469636b65742023325d20286e6f742073656e7420746f2074686520637573746f6d6572293a0d0a0d0a546865207363616e20697320626c757272792e0d0a', NULL, 'sent', 1, '2026-11-28 09:59:32.225263', NULL, NULL, '2026-11-28 09:59:32.225266', '2026-11-28 09:59:32.254875');
INSERT INTO public.outbox VALUES (13, 5, 'staff_new', '["alice@example.com"]', '[Ticket #5] VPN down', 'ticketd.e6d3d25fd9c61f4b6346434c@example.com', '\x46726f6d3a204578616d706c6520537570706f7274203c737570706f7274406578616d706c652e636f6d3e0d0a546f3a20616c696365406578616d706c652e636f6d0d0a5375626a6563743a205b5469636b65742023355d2056504e20646f776e0d0a446174653a205361742c203238204e6f7620323032362030393a35393a3332202b303030300d0a4d6573736167652d49443a203c7469636b6574642e653664336432356664396336316634623633343634333463406578616d706c652e636f6d3e0d0a496e2d5265706c792d546f3a203c76312d6840637573746f6d65722e6578616d706c653e0d0a5265666572656e6365733a0d0a203c76312d6840637573746f6d65722e6578616d706c653e203c7469636b6574642e626630636134613430636663626166663461663961663336406578616d706c652e636f6d3e0d0a4175746f2d5375626d69747465643a206175746f2d67656e6572617465640d0a582d4175746f2d526573706f6e73652d53757070726573733a20416c6c0d0a507265636564656e63653a2062756c6b0d0a582d5469636b6574642d5469636b65743a20350d0a436f6e74656e742d547970653a20746578742f706c61696e3b20636861727365743d227574662d38220d0a436f6e74656e742d5472616e736665722d456e636f64696e673a2071756f7465642d7072696e7461626c650d0a4d494d452d56657273696f6e3a20312e300d0a0d0a4e6577207469636b6574205b5469636b65742023355d20696e2071756575652067656e6572616c0d0a46726f6d3a202020202048616c203c68616c40637573746f6d65722e6578616d706c653e0d0a5072696f726974793a206e6f726d616c0d0a41737369676e65653a20616c696365406578616d706c652e636f6d0d0a0d0a5468652056504e20697320646f776e2e0d0a0d0a0d0a2d2d3d32300d0a5265706c7920746f2074686973206d61696c20746f20616e737765722074686520637573746f6d65722e204c696e65732061742074686520746f7020737563682061730d0a222361737369676e206d65222c2022237374617475732070656e64696e6722206f722022236e6f746522206368616e676520746865207469636b657420696e73746561642e0d0a', NULL, 'pending', 3, '2026-11-28 09:59:37.33636', NULL, 'ConnectionRefusedError: [Errno 111] Connection refused', '2026-11-28 09:59:32.30612', NULL);


--
-- Data for Name: participant; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.participant VALUES (1, 2, 'frank@customer.example', '');


--
-- Data for Name: spool; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.spool VALUES (7, '2026-11-28 09:59:32.15168', 'smtp', 'smtp:support@example.com', 'mid:v1-f@example.com', 'alice@example.com', '["support@example.com"]', NULL, '\x46726f6d3a20416c69636520446f65203c616c696365406578616d706c652e636f6d3e0d0a546f3a20737570706f7274406578616d706c652e636f6d0d0a5375626a6563743a2052653a205b5469636b65742023315d205072696e746572206f6e20666972650d0a4d6573736167652d49443a203c76312d66406578616d706c652e636f6d3e0d0a446174653a204d6f6e2c203032204e6f7620323032362031303a30303a3030202b303030300d0a436f6e74656e742d547970653a20746578742f706c61696e3b20636861727365743d227574662d38220d0a436f6e74656e742d5472616e736665722d456e636f64696e673a20376269740d0a4d494d452d56657273696f6e3a20312e300d0a0d0a237374617475732070656e64696e670d0a0d0a506c6561736520756e706c756720697420616e642074656c6c2075732e0d0a', 322, 'done', 1, NULL, NULL, 'staff reply on #1 by subject tag (#status pending)', 1);
INSERT INTO public.spool VALUES (8, '2026-11-28 09:59:32.170294', 'smtp', 'smtp:support@example.com', 'mid:v1-g@example.com', 'bob@example.com', '["support@example.com"]', NULL, '\x46726f6d3a20426f6220526f65203c626f62406578616d706c652e636f6d3e0d0a546f3a20737570706f7274406578616d706c652e636f6d0d0a5375626a6563743a2052653a205b5469636b65742023325d205363616e2061747461636865640d0a4d6573736167652d49443a203c76312d67406578616d706c652e636f6d3e0d0a446174653a204d6f6e2c203032204e6f7620323032362031303a30303a3030202b303030300d0a436f6e74656e742d547970653a20746578742f706c61696e3b20636861727365743d227574662d38220d0a436f6e74656e742d5472616e736665722d456e636f64696e673a20376269740d0a4d494d452d56657273696f6e3a20312e300d0a0d0a236e6f74650d0a546865207363616e20697320626c757272792e0d0a', 294, 'done', 1, NULL, NULL, 'internal note on #2 by subject tag (#note)', 2);
INSERT INTO public.spool VALUES (1, '2026-11-28 09:59:31.83641', 'smtp', 'smtp:support@example.com', 'mid:v1-a@customer.example', 'dana@customer.example', '["support@example.com"]', NULL, '\x46726f6d3a2044616e6120437573746f6d6572203c64616e6140637573746f6d65722e6578616d706c653e0d0a546f3a20737570706f7274406578616d706c652e636f6d0d0a5375626a6563743a205072696e746572206f6e20666972650d0a4d6573736167652d49443a203c76312d6140637573746f6d65722e6578616d706c653e0d0a446174653a204d6f6e2c203032204e6f7620323032362031303a30303a3030202b303030300d0a436f6e74656e742d547970653a20746578742f706c61696e3b20636861727365743d227574662d38220d0a436f6e74656e742d5472616e736665722d456e636f64696e673a20376269740d0a4d494d452d56657273696f6e3a20312e300d0a0d0a4d79207072696e746572206973206f6e20666972652e0d0a', 293, 'done', 1, NULL, NULL, 'new ticket in general (recipient support@example.com)', 1);
INSERT INTO public.spool VALUES (3, '2026-11-28 09:59:31.88895', 'smtp', 'smtp:support@example.com', 'mid:v1-c@customer.example', 'gus@customer.example', '["support@example.com"]', NULL, '\x46726f6d3a20477573203c67757340637573746f6d65722e6578616d706c653e0d0a546f3a20737570706f7274406578616d706c652e636f6d0d0a5375626a6563743a20526566756e6420666f7220696e766f69636520370d0a4d6573736167652d49443a203c76312d6340637573746f6d65722e6578616d706c653e0d0a446174653a204d6f6e2c203032204e6f7620323032362031303a30303a3030202b303030300d0a436f6e74656e742d547970653a20746578742f706c61696e3b20636861727365743d227574662d38220d0a436f6e74656e742d5472616e736665722d456e636f64696e673a20376269740d0a4d494d452d56657273696f6e3a20312e300d0a0d0a506c6561736520726566756e642e0d0a', 279, 'done', 1, NULL, NULL, 'new ticket in billing (rule ''Refunds go to billing'')', 3);
INSERT INTO public.spool VALUES (4, '2026-11-28 09:59:31.908017', 'smtp', 'smtp:support@example.com', 'mid:v1-d@customer.example', 'nobody@customer.example', '["support@example.com"]', NULL, '\x46726f6d3a204e6f626f6479203c6e6f626f647940637573746f6d65722e6578616d706c653e0d0a546f3a20737570706f7274406578616d706c652e636f6d0d0a5375626a6563743a20426f756e6365206d650d0a4d6573736167652d49443a203c76312d6440637573746f6d65722e6578616d706c653e0d0a446174653a204d6f6e2c203032204e6f7620323032362031303a30303a3030202b303030300d0a436f6e74656e742d547970653a20746578742f706c61696e3b20636861727365743d227574662d38220d0a436f6e74656e742d5472616e736665722d456e636f64696e673a20376269740d0a4d494d452d56657273696f6e3a20312e300d0a0d0a41636b20676f6573206e6f77686572652e0d0a', 277, 'done', 1, NULL, NULL, 'new ticket in general (recipient support@example.com)', 4);
INSERT INTO public.spool VALUES (5, '2026-11-28 09:59:31.926529', 'smtp', 'smtp:support@example.com', 'sha:43ecbe6cb62815dd9440d1950b35e9cab809a24c4c4db6a0fb8313079668d4ba', 'x@customer.example', '["support@example.com"]', NULL, '\x0102206e6f742061206d61696c0d0a', 15, 'quarantined', 1, NULL, 'no header lines found', NULL, NULL);
INSERT INTO public.spool VALUES (6, '2026-11-28 09:59:32.142487', 'smtp', 'smtp:support@example.com', 'mid:v1-e@customer.example', 'dana@customer.example', '["support@example.com"]', NULL, '\x46726f6d3a2044616e6120437573746f6d6572203c64616e6140637573746f6d65722e6578616d706c653e0d0a546f3a20737570706f7274406578616d706c652e636f6d0d0a5375626a6563743a2052653a205b5469636b65742023315d205072696e746572206f6e20666972650d0a4d6573736167652d49443a203c76312d6540637573746f6d65722e6578616d706c653e0d0a446174653a204d6f6e2c203032204e6f7620323032362031303a30303a3030202b303030300d0a696e2d7265706c792d746f3a203c76312d6140637573746f6d65722e6578616d706c653e0d0a436f6e74656e742d547970653a20746578742f706c61696e3b20636861727365743d227574662d38220d0a436f6e74656e742d5472616e736665722d456e636f64696e673a20376269740d0a4d494d452d56657273696f6e3a20312e300d0a0d0a5374696c6c206275726e696e672e0d0a', 339, 'done', 1, NULL, NULL, 'follow-up on #1 by subject tag', 1);
INSERT INTO public.spool VALUES (9, '2026-11-28 09:59:32.280505', 'smtp', 'smtp:support@example.com', 'mid:v1-h@customer.example', 'hal@customer.example', '["support@example.com"]', NULL, '\x46726f6d3a2048616c203c68616c40637573746f6d65722e6578616d706c653e0d0a546f3a20737570706f7274406578616d706c652e636f6d0d0a5375626a6563743a2056504e20646f776e0d0a4d6573736167652d49443a203c76312d6840637573746f6d65722e6578616d706c653e0d0a446174653a204d6f6e2c203032204e6f7620323032362031303a30303a3030202b303030300d0a436f6e74656e742d547970653a20746578742f706c61696e3b20636861727365743d227574662d38220d0a436f6e74656e742d5472616e736665722d456e636f64696e673a20376269740d0a4d494d452d56657273696f6e3a20312e300d0a0d0a5468652056504e20697320646f776e2e0d0a', 269, 'done', 1, NULL, NULL, 'new ticket in general (recipient support@example.com)', 5);
INSERT INTO public.spool VALUES (2, '2026-11-28 09:59:31.863608', 'smtp', 'smtp:frank@customer.example,support@example.com', 'mid:v1-b@customer.example', 'erin@customer.example', '["support@example.com", "frank@customer.example"]', NULL, '\x46726f6d3a204572696e203c6572696e40637573746f6d65722e6578616d706c653e0d0a546f3a20737570706f7274406578616d706c652e636f6d0d0a5375626a6563743a205363616e2061747461636865640d0a4d6573736167652d49443a203c76312d6240637573746f6d65722e6578616d706c653e0d0a446174653a204d6f6e2c203032204e6f7620323032362031303a30303a3030202b303030300d0a63633a206672616e6b40637573746f6d65722e6578616d706c650d0a4d494d452d56657273696f6e3a20312e300d0a436f6e74656e742d547970653a206d756c7469706172742f6d697865643b20626f756e646172793d223d3d3d3d3d3d3d3d3d3d3d3d3d3d3d313139393433383133333133353731343338373d3d220d0a0d0a2d2d3d3d3d3d3d3d3d3d3d3d3d3d3d3d3d313139393433383133333133353731343338373d3d0d0a436f6e74656e742d547970653a20746578742f706c61696e3b20636861727365743d227574662d38220d0a436f6e74656e742d5472616e736665722d456e636f64696e673a20376269740d0a0d0a53656520746865207363616e2e0d0a0d0a2d2d3d3d3d3d3d3d3d3d3d3d3d3d3d3d3d313139393433383133333133353731343338373d3d0d0a436f6e74656e742d547970653a206170706c69636174696f6e2f7064660d0a436f6e74656e742d5472616e736665722d456e636f64696e673a206261736536340d0a436f6e74656e742d446973706f736974696f6e3a206174746163686d656e743b2066696c656e616d653d227363616e2e706466220d0a4d494d452d56657273696f6e3a20312e300d0a0d0a4a564245526930784c6a51675a6d46725a53427a5932467543695651524559744d53343049475a686132556763324e6862676f6c554552474c5445754e43426d5957746c49484e6a5957344b0d0a4a564245526930784c6a51675a6d46725a53427a5932467543695651524559744d53343049475a686132556763324e6862676f6c554552474c5445754e43426d5957746c49484e6a5957344b0d0a4a564245526930784c6a51675a6d46725a53427a5932467543695651524559744d53343049475a686132556763324e6862676f6c554552474c5445754e43426d5957746c49484e6a5957344b0d0a4a564245526930784c6a51675a6d46725a53427a5932467543695651524559744d53343049475a686132556763324e6862676f6c554552474c5445754e43426d5957746c49484e6a5957344b0d0a4a564245526930784c6a51675a6d46725a53427a5932467543695651524559744d53343049475a686132556763324e6862676f6c554552474c5445754e43426d5957746c49484e6a5957344b0d0a4a564245526930784c6a51675a6d46725a53427a5932467543695651524559744d53343049475a686132556763324e6862676f6c554552474c5445754e43426d5957746c49484e6a5957344b0d0a4a564245526930784c6a51675a6d46725a53427a5932467543695651524559744d53343049475a686132556763324e6862676f6c554552474c5445754e43426d5957746c49484e6a5957344b0d0a4a564245526930784c6a51675a6d46725a53427a5932467543695651524559744d53343049475a686132556763324e6862676f6c554552474c5445754e43426d5957746c49484e6a5957344b0d0a4a564245526930784c6a51675a6d46725a53427a5932467543695651524559744d53343049475a686132556763324e6862676f6c554552474c5445754e43426d5957746c49484e6a5957344b0d0a4a564245526930784c6a51675a6d46725a53427a5932467543695651524559744d53343049475a686132556763324e6862676f6c554552474c5445754e43426d5957746c49484e6a5957344b0d0a4a564245526930784c6a51675a6d46725a53427a5932467543695651524559744d53343049475a686132556763324e6862676f6c554552474c5445754e43426d5957746c49484e6a5957344b0d0a4a564245526930784c6a51675a6d46725a53427a5932467543695651524559744d53343049475a686132556763324e6862676f6c554552474c5445754e43426d5957746c49484e6a5957344b0d0a4a564245526930784c6a51675a6d46725a53427a5932467543695651524559744d53343049475a686132556763324e6862676f6c554552474c5445754e43426d5957746c49484e6a5957344b0d0a4a564245526930784c6a51675a6d46725a53427a5932467543673d3d0d0a0d0a2d2d3d3d3d3d3d3d3d3d3d3d3d3d3d3d3d313139393433383133333133353731343338373d3d2d2d0d0a', 1694, 'done', 1, NULL, NULL, 'new ticket in general (recipient support@example.com)', 2);
INSERT INTO public.spool VALUES (10, '2026-11-28 09:59:35.524247', 'pipe', 'pipe:support@example.com', 'mid:v1-i@customer.example', '', '["support@example.com"]', NULL, '\x46726f6d3a20497679203c69767940637573746f6d65722e6578616d706c653e0a546f3a20737570706f7274406578616d706c652e636f6d0a5375626a6563743a204c65667420696e207468652073706f6f6c0a4d6573736167652d49443a203c76312d6940637573746f6d65722e6578616d706c653e0a446174653a204d6f6e2c203032204e6f7620323032362031303a30303a3030202b303030300a436f6e74656e742d547970653a20746578742f706c61696e3b20636861727365743d227574662d38220a436f6e74656e742d5472616e736665722d456e636f64696e673a20376269740a4d494d452d56657273696f6e3a20312e300a0a4e6f742070726f636573736564207965742e0a', 270, 'new', 0, NULL, NULL, NULL, NULL);


--
-- Data for Name: ticket; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.ticket VALUES (3, 'Refund for invoice 7', 'new', 'billing', 'carol@example.com', 'gus@customer.example', 'Gus', 'high', '["finance"]', '2026-11-28 09:59:31.992682', '2026-11-28 09:59:32.000868', NULL, NULL, NULL, 'v1-c@customer.example', NULL);
INSERT INTO public.ticket VALUES (4, 'Bounce me', 'new', 'general', 'carol@example.com', 'nobody@customer.example', 'Nobody', 'normal', '[]', '2026-11-28 09:59:32.024705', '2026-11-28 09:59:32.03074', NULL, NULL, NULL, 'v1-d@customer.example', NULL);
INSERT INTO public.ticket VALUES (1, 'Printer on fire', 'pending', 'general', 'alice@example.com', 'dana@customer.example', 'Dana Customer', 'normal', '[]', '2026-11-28 09:59:31.885604', '2026-11-28 09:59:32.19717', NULL, NULL, NULL, 'v1-a@customer.example', NULL);
INSERT INTO public.ticket VALUES (2, 'Scan attached', 'open', 'general', 'bob@example.com', 'erin@customer.example', 'Erin', 'normal', '[]', '2026-11-28 09:59:31.937277', '2026-11-28 09:59:32.216383', NULL, NULL, NULL, 'v1-b@customer.example', NULL);
INSERT INTO public.ticket VALUES (5, 'VPN down', 'new', 'general', 'alice@example.com', 'hal@customer.example', 'Hal', 'normal', '[]', '2026-11-28 09:59:32.288698', '2026-11-28 09:59:32.29264', NULL, NULL, NULL, 'v1-h@customer.example', NULL);


--
-- Name: attachment_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.attachment_id_seq', 1, true);


--
-- Name: event_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.event_id_seq', 37, true);


--
-- Name: message_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.message_id_seq', 21, true);


--
-- Name: outbox_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.outbox_id_seq', 13, true);


--
-- Name: participant_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.participant_id_seq', 1, true);


--
-- Name: spool_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.spool_id_seq', 10, true);


--
-- Name: ticket_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.ticket_id_seq', 5, true);


--
-- Name: assigncursor assigncursor_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.assigncursor
    ADD CONSTRAINT assigncursor_pkey PRIMARY KEY (queue);


--
-- Name: attachment attachment_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.attachment
    ADD CONSTRAINT attachment_pkey PRIMARY KEY (id);


--
-- Name: blob blob_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.blob
    ADD CONSTRAINT blob_pkey PRIMARY KEY (sha256);


--
-- Name: bouncingaddress bouncingaddress_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.bouncingaddress
    ADD CONSTRAINT bouncingaddress_pkey PRIMARY KEY (email);


--
-- Name: event event_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.event
    ADD CONSTRAINT event_pkey PRIMARY KEY (id);


--
-- Name: imapstate imapstate_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.imapstate
    ADD CONSTRAINT imapstate_pkey PRIMARY KEY (mailbox);


--
-- Name: mailboxhealth mailboxhealth_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.mailboxhealth
    ADD CONSTRAINT mailboxhealth_pkey PRIMARY KEY (mailbox);


--
-- Name: message message_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.message
    ADD CONSTRAINT message_pkey PRIMARY KEY (id);


--
-- Name: meta meta_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.meta
    ADD CONSTRAINT meta_pkey PRIMARY KEY (key);


--
-- Name: outbox outbox_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.outbox
    ADD CONSTRAINT outbox_pkey PRIMARY KEY (id);


--
-- Name: participant participant_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.participant
    ADD CONSTRAINT participant_pkey PRIMARY KEY (id);


--
-- Name: spool spool_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.spool
    ADD CONSTRAINT spool_pkey PRIMARY KEY (id);


--
-- Name: ticket ticket_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.ticket
    ADD CONSTRAINT ticket_pkey PRIMARY KEY (id);


--
-- Name: attachment_message_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX attachment_message_id ON public.attachment USING btree (message_id);


--
-- Name: attachment_sha256; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX attachment_sha256 ON public.attachment USING btree (sha256);


--
-- Name: event_ticket_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX event_ticket_id ON public.event USING btree (ticket_id);


--
-- Name: message_message_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX message_message_id ON public.message USING btree (message_id);


--
-- Name: message_spool_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX message_spool_id ON public.message USING btree (spool_id);


--
-- Name: message_ticket_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX message_ticket_id ON public.message USING btree (ticket_id);


--
-- Name: outbox_created_at; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX outbox_created_at ON public.outbox USING btree (created_at);


--
-- Name: outbox_message_id; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX outbox_message_id ON public.outbox USING btree (message_id);


--
-- Name: outbox_next_attempt_at; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX outbox_next_attempt_at ON public.outbox USING btree (next_attempt_at);


--
-- Name: outbox_rate_key; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX outbox_rate_key ON public.outbox USING btree (rate_key);


--
-- Name: outbox_status; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX outbox_status ON public.outbox USING btree (status);


--
-- Name: outbox_ticket_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX outbox_ticket_id ON public.outbox USING btree (ticket_id);


--
-- Name: participant_ticket_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX participant_ticket_id ON public.participant USING btree (ticket_id);


--
-- Name: participant_ticket_id_email; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX participant_ticket_id_email ON public.participant USING btree (ticket_id, email);


--
-- Name: spool_mailbox_dedupe_key; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX spool_mailbox_dedupe_key ON public.spool USING btree (mailbox, dedupe_key);


--
-- Name: spool_received_at; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX spool_received_at ON public.spool USING btree (received_at);


--
-- Name: spool_state; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX spool_state ON public.spool USING btree (state);


--
-- Name: ticket_assignee; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ticket_assignee ON public.ticket USING btree (assignee);


--
-- Name: ticket_queue; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ticket_queue ON public.ticket USING btree (queue);


--
-- Name: ticket_requester; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ticket_requester ON public.ticket USING btree (requester);


--
-- Name: ticket_status; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ticket_status ON public.ticket USING btree (status);


--
-- Name: attachment attachment_message_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.attachment
    ADD CONSTRAINT attachment_message_id_fkey FOREIGN KEY (message_id) REFERENCES public.message(id) ON DELETE CASCADE;


--
-- Name: event event_ticket_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.event
    ADD CONSTRAINT event_ticket_id_fkey FOREIGN KEY (ticket_id) REFERENCES public.ticket(id) ON DELETE CASCADE;


--
-- Name: message message_spool_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.message
    ADD CONSTRAINT message_spool_id_fkey FOREIGN KEY (spool_id) REFERENCES public.spool(id) ON DELETE SET NULL;


--
-- Name: message message_ticket_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.message
    ADD CONSTRAINT message_ticket_id_fkey FOREIGN KEY (ticket_id) REFERENCES public.ticket(id) ON DELETE CASCADE;


--
-- Name: participant participant_ticket_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.participant
    ADD CONSTRAINT participant_ticket_id_fkey FOREIGN KEY (ticket_id) REFERENCES public.ticket(id) ON DELETE CASCADE;


--
-- PostgreSQL database dump complete
--


