-- What the competent department did about a 问题抄告函 (docs/SUPERVISION.md "问题抄告: the
-- department's action"; R29): one row per record, written by the department's accounts after
-- signing for the letter, with its audit row (crates/store/src/documents/sql.rs). The text is a
-- free text of neibao_domain::privacy::FREE_TEXT_FIELDS: personal data masked in `text`, the
-- plaintext encrypted in `text_sealed` for the purpose-logged reveal.
CREATE TABLE document_actions (
    id               TEXT PRIMARY KEY,
    document_id      TEXT NOT NULL REFERENCES documents(id),
    unit_id          TEXT NOT NULL REFERENCES units(id),
    text             TEXT NOT NULL,
    text_sealed      TEXT,
    recorded_at      BIGINT NOT NULL,
    recorded_by      TEXT NOT NULL,
    recorded_by_name TEXT NOT NULL
);
CREATE INDEX document_actions_document ON document_actions (document_id, recorded_at);
