//! The report repository (`ReportRepo`, docs/REPORTS.md): a unit's report and a public one stored
//! with people and contact read back decrypted, the scope of reports (a bureau by division, a
//! station by routing, a unit its own, a competent department none), acknowledgement once,
//! handling notes in order until closed, and the count of public reports.

use chrono::{DateTime, Duration, Utc};
use neibao_domain::access::Scope;
use neibao_domain::error::ErrorCode;
use neibao_domain::ids::new_id;
use neibao_domain::paging::Page;
use neibao_domain::reports::*;
use neibao_store::error::StoreError;
use neibao_store::Store;

use super::registry::Registry;
use super::{audit, xihu};

pub async fn check(store: &dyn Store, now: DateTime<Utc>, registry: &Registry) {
    let a = &registry.a;
    let new = |unit: Option<&str>, station: Option<&str>, division: &str| {
        let id = new_id();
        NewReport {
            receipt_no: receipt_no(now, &id),
            id,
            kind: ReportKind::Incident,
            source: if unit.is_some() { "unit" } else { "public" },
            unit_id: unit.map(str::to_string),
            station_id: station.map(str::to_string),
            division_code: division.to_string(),
            key_area_id: None,
            place: "仓库".into(),
            title: "电缆被盗".into(),
            details: String::new(),
            occurred_at: Some(now - Duration::hours(1)),
            people: vec![],
            first_actions: String::new(),
            scene_preserved: true,
            reporter_id: None,
            reporter_name: "保安甲".into(),
            contact: String::new(),
            anonymous: false,
            client: String::new(),
            at: now,
        }
    };
    let mut unit_report = new(Some(&a.id), Some(&registry.station_id), &a.division_code);
    unit_report.key_area_id = Some(registry.area.id.clone());
    unit_report.people = vec![InvolvedPerson {
        name: "张三".into(),
        role: "嫌疑人".into(),
        id_number: "330106199003071236".into(),
        phone: "13812345678".into(),
    }];
    let r = store.create_report(&unit_report, &audit("report.file")).await.unwrap();
    assert_eq!(r.people, unit_report.people, "people read back decrypted");
    assert_eq!(r.key_area_name.as_deref(), Some(registry.area.name.as_str()));
    assert_eq!(r.unit_name.as_deref(), Some(a.name.as_str()));
    assert_eq!(r.status, ReportStatus::Submitted);
    let mut public = new(None, Some(&registry.station_id), "330106001");
    public.kind = ReportKind::Suspicious;
    public.contact = "13912345678".into();
    let p = store
        .create_report(&public, &audit("report.file_public"))
        .await
        .unwrap();
    assert_eq!(p.contact, "13912345678");
    assert!(p.unit_id.is_none());

    // The scope: a bureau by division, the station by routing, the unit its own, a department
    // none, elsewhere nothing.
    let all = |s: Scope| async move {
        store
            .list_reports(&s, &ReportFilter::default(), Page { page: 1, per_page: 50 })
            .await
            .unwrap()
            .total
    };
    assert_eq!(all(xihu()).await, 2);
    assert_eq!(
        all(Scope::Station {
            org_id: registry.station_id.clone()
        })
        .await,
        2
    );
    assert_eq!(all(Scope::Unit { unit_id: a.id.clone() }).await, 1);
    assert_eq!(all(Scope::Department { org_id: "dep1".into() }).await, 0);
    assert_eq!(
        all(Scope::Division {
            prefix: "330102".into()
        })
        .await,
        0
    );
    assert!(store
        .report(
            &Scope::Unit {
                unit_id: registry.b.id.clone()
            },
            &r.id
        )
        .await
        .unwrap()
        .is_none());
    let kinds = store
        .list_reports(
            &xihu(),
            &ReportFilter {
                kind: Some(ReportKind::Suspicious),
                ..Default::default()
            },
            Page { page: 1, per_page: 50 },
        )
        .await
        .unwrap();
    assert_eq!(kinds.total, 1);
    assert_eq!(store.public_reports_since(now - Duration::hours(1)).await.unwrap(), 1);

    // Acknowledged once (outside the scope: not found); handled in order until closed.
    assert!(matches!(
        store
            .acknowledge_report(
                &Scope::Division {
                    prefix: "330102".into()
                },
                &r.id,
                "民警",
                now,
                &audit("report.acknowledge")
            )
            .await,
        Err(StoreError::NotFound)
    ));
    let later = now + Duration::seconds(90);
    let acked = store
        .acknowledge_report(&xihu(), &r.id, "民警甲", later, &audit("report.acknowledge"))
        .await
        .unwrap();
    assert_eq!(acked.status, ReportStatus::Acknowledged);
    assert_eq!(acked.seconds_to_acknowledge(), Some(90));
    let again = store
        .acknowledge_report(&xihu(), &r.id, "民警甲", later, &audit("report.acknowledge"))
        .await;
    assert!(
        matches!(again, Err(StoreError::Domain(ref e)) if e.code == ErrorCode::InvalidTransition),
        "{again:?}"
    );
    // Handling a submitted report acknowledges it.
    let h = store
        .add_report_note(
            &xihu(),
            &p.id,
            &HandlingNote {
                text: "已核查".into(),
                close: false,
                by: "民警乙".into(),
                at: later,
            },
            &audit("report.note"),
        )
        .await
        .unwrap();
    assert_eq!(h.status, ReportStatus::Acknowledged);
    let closed = store
        .add_report_note(
            &xihu(),
            &p.id,
            &HandlingNote {
                text: "办结".into(),
                close: true,
                by: "民警乙".into(),
                at: later + Duration::seconds(1),
            },
            &audit("report.close"),
        )
        .await
        .unwrap();
    assert_eq!(closed.status, ReportStatus::Closed);
    assert_eq!(
        closed.notes.iter().map(|n| n.text.as_str()).collect::<Vec<_>>(),
        vec!["已核查", "办结"]
    );
    assert!(closed.closed_at.is_some());
    assert!(store
        .add_report_note(
            &xihu(),
            &p.id,
            &HandlingNote {
                text: "再登记".into(),
                close: false,
                by: "民警乙".into(),
                at: later
            },
            &audit("report.note")
        )
        .await
        .is_err());
}
