//! Raising an alert inside a transaction (compiled once per backend): used by
//! [`crate::alerts::AlertRepo::raise_alert`] and by the SQLite group-commit writer.

use super::common::ms;
use super::db::{sql, Db};
use crate::error::StoreResult;
use neibao_domain::alerts::{AlertDraft, Raised};
use neibao_domain::ids::new_id;
use neibao_domain::jobs::JobKind;

/// Raises `d` inside `tx`: folds it into the unresolved alert with the same fingerprint, or opens
/// a new one with its escalation and notification jobs.
pub(crate) async fn raise_in(tx: &mut sqlx::Transaction<'_, Db>, d: &AlertDraft) -> StoreResult<Raised> {
    // The same event raising the same alert again (a re-delivered bus message) changes nothing.
    let already: Option<String> = sqlx::query_scalar(&sql(
        "SELECT a.id FROM alert_events ae JOIN alerts a ON a.id = ae.alert_id WHERE ae.event_id = ? AND a.fingerprint = ?",
    ))
    .bind(&d.event_id)
    .bind(&d.fingerprint)
    .fetch_optional(&mut **tx)
    .await?;
    if let Some(alert_id) = already {
        return Ok(Raised {
            alert_id,
            created: false,
        });
    }
    let existing: Option<String> = sqlx::query_scalar(&sql(
        "SELECT id FROM alerts WHERE fingerprint = ? AND status <> 'resolved'",
    ))
    .bind(&d.fingerprint)
    .fetch_optional(&mut **tx)
    .await?;
    let raised = match existing {
        Some(id) => {
            sqlx::query(
                &sql("UPDATE alerts SET event_count = event_count + 1, last_seen = CASE WHEN last_seen > ? THEN last_seen ELSE ? END WHERE id = ?"),
            )
            .bind(ms(d.at))
            .bind(ms(d.at))
            .bind(&id)
            .execute(&mut **tx)
            .await?;
            Raised {
                alert_id: id,
                created: false,
            }
        }
        None => {
            let id = new_id();
            sqlx::query(
                &sql("INSERT INTO alerts (id, unit_id, device_id, rule, alert_type, title, severity, status, fingerprint, first_seen, last_seen, event_count)
                 VALUES (?, ?, ?, ?, ?, ?, ?, 'open', ?, ?, ?, 1)"),
            )
            .bind(&id)
            .bind(&d.unit_id)
            .bind(&d.device_id)
            .bind(&d.rule)
            .bind(&d.alert_type)
            .bind(&d.title)
            .bind(d.severity.code())
            .bind(&d.fingerprint)
            .bind(ms(d.at))
            .bind(ms(d.at))
            .execute(&mut **tx)
            .await?;
            if let Some(at) = d.escalate_at {
                sqlx::query(&sql(
                    "INSERT INTO scheduled_jobs (id, kind, subject_id, due_at, payload, created_at) VALUES (?, ?, ?, ?, ?, ?)
                     ON CONFLICT (kind, subject_id, due_at) DO NOTHING",
                ))
                .bind(new_id())
                .bind(JobKind::AlertEscalate.code())
                .bind(&id)
                .bind(ms(at))
                .bind(r#"{"level":1}"#)
                .bind(ms(d.at))
                .execute(&mut **tx)
                .await?;
            }
            // Notifications (inbox, channels) are fanned out by a job written with the alert,
            // so a crash right after the commit cannot lose them.
            sqlx::query(&sql(
                "INSERT INTO scheduled_jobs (id, kind, subject_id, due_at, payload, created_at) VALUES (?, ?, ?, ?, ?, ?)
                 ON CONFLICT (kind, subject_id, due_at) DO NOTHING",
            ))
            .bind(new_id())
                .bind(JobKind::AlertNotify.code())
            .bind(&id)
            .bind(ms(d.at))
            .bind(r#"{"level":0}"#)
            .bind(ms(d.at))
            .execute(&mut **tx)
            .await?;
            Raised {
                alert_id: id,
                created: true,
            }
        }
    };
    sqlx::query(&sql(
        "INSERT INTO alert_events (alert_id, event_id) VALUES (?, ?) ON CONFLICT DO NOTHING",
    ))
    .bind(&raised.alert_id)
    .bind(&d.event_id)
    .execute(&mut **tx)
    .await?;
    Ok(raised)
}
