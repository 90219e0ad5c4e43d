-- Reminders sent, one row a message's key: the leader claims a key (INSERT … ON CONFLICT DO
-- NOTHING) in the transaction that sends it, so no reminder goes out twice across replicas
-- (state/sent-reminders.ts). IF NOT EXISTS: databases used before this migration already have
-- the table, which the module created at start then.
CREATE TABLE IF NOT EXISTS sent_reminders (
  chat_id  bigint      NOT NULL,
  unit     text        NOT NULL,
  task_id  text        NOT NULL,
  occasion text        NOT NULL,
  sent_at  timestamptz NOT NULL DEFAULT now(),
  sent_by  text        NOT NULL,
  PRIMARY KEY (chat_id, unit, task_id, occasion)
);
CREATE INDEX IF NOT EXISTS sent_reminders_sent_at ON sent_reminders (sent_at);
