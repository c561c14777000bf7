"""The journal's guards as SQL (see services/finance/models.py for what they enforce): one text,
read by migration 0002 (which creates them) and by models.py (which attaches the SQLite ones to
databases built from the models, as the use-case tests' in-memory SQLite is). Migration 0002
applied these exact statements: changing one here means a new migration that replaces it, never
an edit that would make the models and the migrated databases disagree.
"""

SQLITE_TRIGGERS = {
    "journal_entries_balanced": """
CREATE TRIGGER journal_entries_balanced AFTER INSERT ON journal_entries
WHEN (SELECT count(*) FROM journal_lines WHERE entry_id = NEW.id) < 2
  OR (SELECT total(amount_fen) FROM journal_lines WHERE entry_id = NEW.id) <> 0
BEGIN SELECT RAISE(ABORT, 'journal entry must have at least two lines summing to zero'); END""",
    "journal_lines_before_entry": """
CREATE TRIGGER journal_lines_before_entry BEFORE INSERT ON journal_lines
WHEN EXISTS (SELECT 1 FROM journal_entries WHERE id = NEW.entry_id)
BEGIN SELECT RAISE(ABORT, 'lines cannot be added to a posted journal entry'); END""",
    "journal_entries_no_update": """
CREATE TRIGGER journal_entries_no_update BEFORE UPDATE ON journal_entries
BEGIN SELECT RAISE(ABORT, 'the journal is append-only: post a reversal instead'); END""",
    "journal_entries_no_delete": """
CREATE TRIGGER journal_entries_no_delete BEFORE DELETE ON journal_entries
BEGIN SELECT RAISE(ABORT, 'the journal is append-only: post a reversal instead'); END""",
    "journal_lines_no_update": """
CREATE TRIGGER journal_lines_no_update BEFORE UPDATE ON journal_lines
BEGIN SELECT RAISE(ABORT, 'the journal is append-only: post a reversal instead'); END""",
    "journal_lines_no_delete": """
CREATE TRIGGER journal_lines_no_delete BEFORE DELETE ON journal_lines
BEGIN SELECT RAISE(ABORT, 'the journal is append-only: post a reversal instead'); END""",
}

PG_TRIGGERS = [
    """
CREATE FUNCTION finance_entry_balanced() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  n bigint;
  total numeric;
BEGIN
  SELECT count(*), coalesce(sum(amount_fen), 0) INTO n, total FROM journal_lines WHERE entry_id = NEW.id;
  IF n < 2 OR total <> 0 THEN
    RAISE EXCEPTION 'journal entry % must have at least two lines summing to zero (% lines, sum %)',
      NEW.id, n, total USING ERRCODE = 'check_violation';
  END IF;
  RETURN NULL;
END $$""",
    """
CREATE CONSTRAINT TRIGGER journal_entries_balanced AFTER INSERT ON journal_entries
DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION finance_entry_balanced()""",
    """
CREATE FUNCTION finance_lines_before_entry() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM new_lines n JOIN journal_entries e ON e.id = n.entry_id) THEN
    RAISE EXCEPTION 'lines cannot be added to a posted journal entry' USING ERRCODE = 'check_violation';
  END IF;
  RETURN NULL;
END $$""",
    """
CREATE TRIGGER journal_lines_before_entry AFTER INSERT ON journal_lines
REFERENCING NEW TABLE AS new_lines FOR EACH STATEMENT EXECUTE FUNCTION finance_lines_before_entry()""",
    """
CREATE FUNCTION finance_journal_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'the journal is append-only (% on %): post a reversal instead', TG_OP, TG_TABLE_NAME
    USING ERRCODE = 'check_violation';
END $$""",
    """
CREATE TRIGGER journal_entries_append_only BEFORE UPDATE OR DELETE ON journal_entries
FOR EACH STATEMENT EXECUTE FUNCTION finance_journal_append_only()""",
    """
CREATE TRIGGER journal_lines_append_only BEFORE UPDATE OR DELETE ON journal_lines
FOR EACH STATEMENT EXECUTE FUNCTION finance_journal_append_only()""",
]

PG_DROP = [
    "DROP TRIGGER IF EXISTS journal_lines_append_only ON journal_lines",
    "DROP TRIGGER IF EXISTS journal_entries_append_only ON journal_entries",
    "DROP TRIGGER IF EXISTS journal_lines_before_entry ON journal_lines",
    "DROP TRIGGER IF EXISTS journal_entries_balanced ON journal_entries",
    "DROP FUNCTION IF EXISTS finance_journal_append_only()",
    "DROP FUNCTION IF EXISTS finance_lines_before_entry()",
    "DROP FUNCTION IF EXISTS finance_entry_balanced()",
]
