//! The drill repository (`DrillRepo`, docs/DRILLS.md): a drill with its people encrypted and read
//! back, started, a step recorded once, finished once, evaluated, a shortfall's hazard opened
//! once with its link, the overdue record once per period, and the scope on every method.

use chrono::{DateTime, Duration, Utc};
use neibao_domain::access::Scope;
use neibao_domain::drills::*;
use neibao_domain::emergency::Scenario;
use neibao_domain::ids::new_id;
use neibao_domain::supervision::ladder::{HazardClass, HazardSource};
use neibao_domain::supervision::NewHazard;
use neibao_store::error::StoreError;
use neibao_store::Store;

use super::registry::Registry;
use super::{audit, xihu};

pub async fn check(store: &dyn Store, now: DateTime<Utc>, registry: &Registry) {
    let a = registry.a.id.clone();
    let b = registry.b.id.clone();
    let d = NewDrill {
        id: new_id(),
        unit_id: a.clone(),
        scenario: Scenario::Fire,
        plan_id: Some("plan-1".into()),
        title: "契约演练".into(),
        planned_at: now,
        participants_count: 3,
        people: DrillPeople {
            participants: vec!["张三".into()],
            observers: Vec::new(),
            police_officer: String::new(),
        },
        police_station: String::new(),
        expected: default_actions(Scenario::Fire),
        created_by: "契约".into(),
        at: now,
    };
    // Outside the scope: not found.
    let outside = Scope::Unit { unit_id: b.clone() };
    assert!(matches!(
        store.create_drill(&outside, &d, &audit("drill.plan")).await,
        Err(StoreError::NotFound)
    ));
    let made = store.create_drill(&xihu(), &d, &audit("drill.plan")).await.unwrap();
    assert_eq!(made.people.participants, vec!["张三".to_string()]);
    assert_eq!(made.state, DrillState::Planned);
    assert!(store.drill(&outside, &d.id).await.unwrap().is_none());
    assert_eq!(
        store
            .unit_drills(
                &xihu(),
                &a,
                neibao_domain::paging::Page::checked(Some(1), Some(10)).unwrap()
            )
            .await
            .unwrap()
            .items
            .len(),
        1
    );

    let t = now + Duration::minutes(1);
    let (started, new) = store
        .start_drill(&xihu(), &d.id, &audit("drill.start"), t)
        .await
        .unwrap();
    assert!(new);
    assert_eq!(started.state, DrillState::Running);
    let (_, again) = store
        .start_drill(&xihu(), &d.id, &audit("drill.start"), t)
        .await
        .unwrap();
    assert!(!again);
    let (s1, new) = store
        .add_drill_step(
            &xihu(),
            &d.id,
            1,
            "契约",
            &audit("drill.step"),
            t + Duration::seconds(30),
        )
        .await
        .unwrap();
    assert!(new);
    let (s2, new) = store
        .add_drill_step(
            &xihu(),
            &d.id,
            1,
            "契约",
            &audit("drill.step"),
            t + Duration::seconds(50),
        )
        .await
        .unwrap();
    assert!(!new);
    assert_eq!(s1.id, s2.id);
    assert!(matches!(
        store
            .add_drill_step(&outside, &d.id, 2, "契约", &audit("drill.step"), t)
            .await,
        Err(StoreError::NotFound)
    ));
    let (fin, new) = store
        .finish_drill(&xihu(), &d.id, &audit("drill.finish"), t + Duration::minutes(5))
        .await
        .unwrap();
    assert!(new);
    assert_eq!(fin.state, DrillState::Finished);
    assert!(matches!(
        store
            .add_drill_step(&xihu(), &d.id, 2, "契约", &audit("drill.step"), t)
            .await,
        Err(StoreError::Conflict(_))
    ));

    let e = Evaluation {
        scores: scores(&fin.expected, &fin.steps, fin.started_at, &[]),
        overall: 20,
        strengths: vec!["报警及时".into()],
        shortfalls: vec![Shortfall {
            seq: 1,
            text: "灭火器取用慢".into(),
            hazard_id: None,
        }],
        evaluated_by: "契约".into(),
        evaluated_at: t + Duration::minutes(10),
    };
    let ev = store
        .save_drill_evaluation(&xihu(), &d.id, &e, &audit("drill.evaluate"))
        .await
        .unwrap();
    assert_eq!(ev.state, DrillState::Evaluated);
    let h = NewHazard {
        unit_id: a.clone(),
        source: HazardSource::Drill,
        source_id: Some(d.id.clone()),
        inspection_id: None,
        item_code: None,
        class: HazardClass::General,
        title: "应急演练不足：灭火器取用慢".into(),
        description: String::new(),
        org_id: None,
        created_by: "契约".into(),
    };
    let (h1, new) = store
        .open_drill_hazard(&xihu(), &d.id, 1, &h, &audit("drill.hazard"), t)
        .await
        .unwrap();
    assert!(new);
    let (h2, new) = store
        .open_drill_hazard(&xihu(), &d.id, 1, &h, &audit("drill.hazard"), t)
        .await
        .unwrap();
    assert!(!new);
    assert_eq!(h1, h2);
    let hazard = store.get_hazard(&xihu(), &h1).await.unwrap();
    assert_eq!(hazard.source, HazardSource::Drill);
    assert!(matches!(
        store
            .open_drill_hazard(&xihu(), &d.id, 9, &h, &audit("drill.hazard"), t)
            .await,
        Err(StoreError::NotFound)
    ));
    // Saving the evaluation again keeps the hazard of a shortfall kept word for word.
    let ev = store
        .save_drill_evaluation(&xihu(), &d.id, &e, &audit("drill.evaluate"))
        .await
        .unwrap();
    assert_eq!(
        ev.evaluation.unwrap().shortfalls[0].hazard_id.as_deref(),
        Some(h1.as_str())
    );

    // The overdue record: once per unit, rule and period.
    let period = ("2020-01-01".parse().unwrap(), "2020-12-31".parse().unwrap());
    assert!(store
        .record_drill_overdue(&a, DrillRule::KeyUnit, period, now)
        .await
        .unwrap());
    assert!(!store
        .record_drill_overdue(&a, DrillRule::KeyUnit, period, now)
        .await
        .unwrap());
    assert!(store
        .drill_overdue(&xihu())
        .await
        .unwrap()
        .iter()
        .any(|o| o.unit_id == a));
    assert!(!store
        .drill_overdue(&outside)
        .await
        .unwrap()
        .iter()
        .any(|o| o.unit_id == a));
    // The drill finished in [t, t + 5 min] meets a period around it.
    let without = store
        .units_without_drill(DrillRule::KeyUnit, now - Duration::days(1), now + Duration::days(1))
        .await
        .unwrap();
    assert!(!without.iter().any(|(id, _)| *id == a));
}
