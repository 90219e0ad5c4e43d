-- Version 1: what the files under STATE_DIR hold on a single machine, as tables several
-- replicas share. Released migrations are never edited (postgrator checks their checksums):
-- a change is a new file, 002.do.<what>.sql.

-- The bots' chat sessions (grammY StorageAdapter): one value per channel and key.
CREATE TABLE chat_sessions (
  channel    text        NOT NULL,
  key        text        NOT NULL,
  value      jsonb       NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (channel, key)
);

-- The answer engine's conversation memory: the last turn of each session (web, Telegram, Zalo).
CREATE TABLE conversation_turns (
  session_id text   PRIMARY KEY,
  turn       jsonb  NOT NULL,
  -- The turn's time in ms since the epoch, as the engine stamped it: its age decides expiry.
  at         bigint NOT NULL
);
CREATE INDEX conversation_turns_at ON conversation_turns (at);

-- Telegram reminder subscriptions: one per chat and unit (the unit compared by unit_key,
-- its NFC lower-case form, computed by the service).
CREATE TABLE subscriptions (
  id         bigserial   PRIMARY KEY,
  chat_id    bigint      NOT NULL,
  unit       text        NOT NULL,
  unit_key   text        NOT NULL,
  language   text        NOT NULL CHECK (language IN ('vi', 'en')),
  created_at timestamptz NOT NULL,
  last_run   timestamptz,
  seen       jsonb       NOT NULL DEFAULT '[]',
  sent       jsonb       NOT NULL DEFAULT '[]',
  UNIQUE (chat_id, unit_key)
);

-- Feedback on answers, and the question each recent answer answered (so that feedback sent to
-- any replica shows it).
CREATE TABLE feedback (
  id        bigserial   PRIMARY KEY,
  answer_id text        NOT NULL,
  helpful   boolean     NOT NULL,
  comment   text,
  question  text,
  at        timestamptz NOT NULL
);
CREATE TABLE answered_questions (
  answer_id text        PRIMARY KEY,
  question  text        NOT NULL,
  at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX answered_questions_at ON answered_questions (at);

-- Questions the engine could not answer: one row per question (key: trimmed, lower-case),
-- counted; seq orders them by their last asking.
CREATE TABLE unanswered (
  key      text        PRIMARY KEY,
  question text        NOT NULL,
  language text        NOT NULL CHECK (language IN ('vi', 'en')),
  at       timestamptz NOT NULL,
  count    integer     NOT NULL,
  seq      bigserial   NOT NULL
);
CREATE INDEX unanswered_seq ON unanswered (seq);

-- The Zalo OA token pair: one row, locked (SELECT … FOR UPDATE) while a refresh spends the
-- single-use refresh token, so that replicas refresh once. configured_from is a hash of the
-- pair configured in the environment the stored pair was refreshed from, never a copy of it.
CREATE TABLE zalo_tokens (
  id              smallint    PRIMARY KEY CHECK (id = 1),
  access_token    text,
  refresh_token   text,
  configured_from text,
  updated_at      timestamptz
);
INSERT INTO zalo_tokens (id) VALUES (1);

-- The admin's confirmations of uploads that redefine a bundled procedure: the latest confirmed
-- version (fingerprint) of a code in a file.
CREATE TABLE redefinition_confirmations (
  code        text        NOT NULL,
  file        text        NOT NULL,
  fingerprint text        NOT NULL,
  at          timestamptz NOT NULL,
  seq         bigserial   NOT NULL,
  PRIMARY KEY (code, file)
);

-- The admin's ingest runs as the admin page shows them (status, progress, summary).
CREATE TABLE ingest_jobs (
  id         text        PRIMARY KEY,
  started_at timestamptz NOT NULL,
  job        jsonb       NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ingest_jobs_started_at ON ingest_jobs (started_at);
