//! Supervision's writes (`HazardRepo`, with `AttachmentRepo` and `BureauSettingsRepo`): every write
//! appends the audit entry it is given in its own transaction (a create's entry names the new
//! object), the deadline timers' writes append none, and a write whose audit row cannot be appended
//! is not made at all.

use chrono::{Duration, Utc};
use neibao_domain::access::Scope;
use neibao_domain::attachments::{AttachmentOwner, NewAttachment};
use neibao_domain::audit::{AuditEntry, AuditRecord};
use neibao_domain::paging::Page;
use neibao_domain::registry::{NewUnit, UnitKind};
use neibao_domain::supervision::ladder::{Action, Actor, HazardClass, HazardSource};
use neibao_domain::supervision::{HazardFilter, HazardUpdate, NewHazard, StepDraft, SupervisionSettings};
use neibao_domain::validate::{DivisionCode, Uscc};
use neibao_store::{Store, StoreError};

use crate::common::uscc;

/// Runs SQL on the database behind the store (to break the audit chain's head).
async fn exec(url: &str, statements: &str) {
    use sqlx::Connection;
    if url.starts_with("postgres") {
        let mut c = sqlx::PgConnection::connect(url).await.expect("connect");
        sqlx::raw_sql(statements).execute(&mut c).await.expect("exec");
    } else {
        let mut c = sqlx::SqliteConnection::connect(url).await.expect("connect");
        sqlx::raw_sql(statements).execute(&mut c).await.expect("exec");
    }
}

fn entry(action: &str, object_type: &str, unit_id: &str) -> AuditEntry {
    AuditEntry {
        actor_id: Some("u-contract".into()),
        actor_name: "contract".into(),
        action: action.into(),
        object_type: object_type.into(),
        object_id: String::new(),
        unit_id: Some(unit_id.into()),
        purpose: String::new(),
        detail: "{}".into(),
    }
}

async fn last_row(store: &dyn Store) -> AuditRecord {
    let head = store.audit_head().await.unwrap();
    store.audit_rows(head.last_seq - 1, 1).await.unwrap().remove(0)
}

/// On a database of its own: `url` is that database's, to break and restore the audit chain's head.
pub async fn check(store: &dyn Store, url: &str) {
    let now = Utc::now();
    let all = Scope::All;
    let unit = store
        .create_unit(
            NewUnit {
                name: "审计合同单位".into(),
                kind: UnitKind::Enterprise,
                is_university: false,
                is_private_enterprise: true,
                uscc: Uscc::parse(&uscc("91330106000000901")).unwrap(),
                address: "测试路".into(),
                division_code: DivisionCode::parse("330106").unwrap(),
                police_station_id: None,
                competent_department_id: None,
                is_key_unit: false,
                key_unit_category: None,
                is_counter_terror_target: false,
                armed_schedule: None,
                responsible_persons: Vec::new(),
            },
            &neibao_domain::access::Principal::system("test").audit("unit.create", "unit", "", None),
            now,
        )
        .await
        .unwrap();
    let new_hazard = |title: &str| NewHazard {
        unit_id: unit.id.clone(),
        source: HazardSource::Report,
        source_id: None,
        inspection_id: None,
        item_code: None,
        class: HazardClass::General,
        title: title.into(),
        description: String::new(),
        org_id: None,
        created_by: "contract".into(),
    };

    // A create: the entry is appended with the new object's id.
    let before = store.audit_head().await.unwrap().last_seq;
    let h = store
        .create_hazard(
            &all,
            &new_hazard("审计隐患"),
            &entry("hazard.report", "hazard", &unit.id),
            now,
        )
        .await
        .unwrap();
    let row = last_row(store).await;
    assert_eq!(row.seq, before + 1);
    assert_eq!(
        (row.entry.action.as_str(), row.entry.object_id.as_str()),
        ("hazard.report", h.id.as_str())
    );
    assert_eq!(row.entry.unit_id.as_deref(), Some(unit.id.as_str()));

    // A ladder step by a person: its entry; the same kind of step by a timer: none.
    let mut case = h.case_state.clone();
    let t = case
        .apply(
            Actor::Police,
            Action::IssueOrder {
                deadline: now + Duration::days(7),
            },
            now,
            &SupervisionSettings::default().ladder,
        )
        .unwrap();
    let step = |action: &str, case| HazardUpdate {
        hazard_id: h.id.clone(),
        expected_version: h.version,
        from: t.from,
        case_state: case,
        step: StepDraft {
            action: action.into(),
            actor_id: None,
            actor_name: "contract".into(),
            reason: String::new(),
            legal_basis: String::new(),
            detail: serde_json::json!({}),
            dedup_key: None,
        },
        document: None,
        credit: None,
        jobs: Vec::new(),
        org_id: None,
    };
    let mut audit = entry("hazard.issue_order", "hazard", &unit.id);
    audit.object_id = h.id.clone();
    store
        .update_hazard(&all, &step("issue_order", case.clone()), Some(&audit), now)
        .await
        .unwrap();
    assert_eq!(last_row(store).await.entry.action, "hazard.issue_order");
    let head = store.audit_head().await.unwrap();
    let h = store.get_hazard(&all, &h.id).await.unwrap();
    let mut remind = step("remind", h.case_state.clone());
    remind.expected_version = h.version;
    remind.from = h.phase;
    store.update_hazard(&all, &remind, None, now).await.unwrap();
    assert_eq!(
        store.audit_head().await.unwrap().last_seq,
        head.last_seq,
        "timers are not audited"
    );

    // The audit chain's head is gone: no write goes through, and none leaves a trace.
    exec(url, "DELETE FROM audit_head").await;
    let count = || async {
        store
            .list_hazards(&all, &HazardFilter::default(), Page::new(Some(1), Some(50)))
            .await
            .unwrap()
            .total
    };
    let hazards = count().await;
    assert!(matches!(
        store
            .create_hazard(
                &all,
                &new_hazard("无审计"),
                &entry("hazard.report", "hazard", &unit.id),
                now
            )
            .await,
        Err(StoreError::Other(_))
    ));
    assert_eq!(count().await, hazards, "no hazard without its audit row");
    let h = store.get_hazard(&all, &h.id).await.unwrap();
    let mut blocked = step("dismiss", h.case_state.clone());
    blocked.expected_version = h.version;
    assert!(store.update_hazard(&all, &blocked, Some(&audit), now).await.is_err());
    assert_eq!(
        store.get_hazard(&all, &h.id).await.unwrap().version,
        h.version,
        "no step"
    );
    let upload = NewAttachment {
        unit_id: unit.id.clone(),
        owner_kind: AttachmentOwner::Hazard,
        owner_id: h.id.clone(),
        name: "a.pdf".into(),
        content_type: "application/pdf".into(),
        data: b"%PDF".to_vec(),
        uploaded_by: "contract".into(),
    };
    let upload_entry = entry("attachment.upload", "attachment", &unit.id);
    assert!(store.add_attachment(&all, &upload, &upload_entry, now).await.is_err());
    assert!(store
        .list_attachments(&all, AttachmentOwner::Hazard, &h.id)
        .await
        .unwrap()
        .is_empty());
    let settings_entry = entry("supervision_settings.update", "organisation", &unit.id);
    assert!(store
        .save_bureau_settings("org-contract", &SupervisionSettings::default(), &settings_entry, now)
        .await
        .is_err());
    assert!(store.bureau_settings("org-contract").await.unwrap().is_none());

    // The head back: writes and their rows again.
    exec(
        url,
        &format!(
            "INSERT INTO audit_head (id, first_seq, first_prev_hash, last_seq, last_hash) VALUES (1, {}, '{}', {}, '{}')",
            head.first_seq, head.first_prev_hash, head.last_seq, head.last_hash
        ),
    )
    .await;
    let a = store.add_attachment(&all, &upload, &upload_entry, now).await.unwrap();
    let row = last_row(store).await;
    assert_eq!(
        (row.seq, row.entry.object_id.as_str()),
        (head.last_seq + 1, a.id.as_str())
    );
    assert_eq!(a.owner_kind, AttachmentOwner::Hazard);
    store
        .save_bureau_settings("org-contract", &SupervisionSettings::default(), &settings_entry, now)
        .await
        .unwrap();
    assert_eq!(
        store.bureau_settings("org-contract").await.unwrap(),
        Some(SupervisionSettings::default())
    );
    assert_eq!(last_row(store).await.entry.object_id, "org-contract");
}
