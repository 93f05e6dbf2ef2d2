-- Read receipts (签收) of official documents (docs/SUPERVISION.md "Delivery and receipts"): the
-- first reading by the addressee (the unit's accounts, or for a 问题抄告函 the competent
-- department's), kept once per document; written with its audit row
-- (crates/store/src/documents/sql.rs).
CREATE TABLE document_receipts (
    document_id  TEXT PRIMARY KEY REFERENCES documents(id),
    read_at      INTEGER NOT NULL,
    read_by      TEXT NOT NULL,
    read_by_name TEXT NOT NULL
);
