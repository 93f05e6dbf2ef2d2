use super::*;
use crate::supervision::checklist::seed_items;

fn all_pass(items: &mut [SheetItem]) {
    for i in items.iter_mut() {
        i.result = Some(ItemResult::Pass);
    }
}

#[test]
fn a_failed_critical_item_caps_the_total_at_59() {
    let mut s = sheet(&seed_items(Variant::KeyUnits), &UnitFigures::default());
    all_pass(&mut s);
    assert_eq!(result(&s, 0).total, 100.0);
    let c = s.iter_mut().find(|i| i.critical).expect("a critical item");
    c.result = Some(ItemResult::Fail);
    let r = result(&s, 0);
    assert!(r.capped_by_critical);
    assert_eq!(r.total, 59.0);
    assert_eq!(r.grade, Grade::Fail);
    assert!(r.weakest.is_some());
}

#[test]
fn data_items_follow_the_figures_and_outcome_is_separate() {
    let f = UnitFigures {
        devices: 10,
        devices_online: 9,
        tamper_events: 0,
        hazards_overdue: 1,
        ..Default::default()
    };
    let s = sheet(&seed_items(Variant::AllUnits), &f);
    let t3 = s.iter().find(|i| i.code == "T3").unwrap();
    assert_eq!(t3.scored_by, ScoredBy::Data);
    assert_eq!(t3.result, Some(ItemResult::Pass));
    let p7 = s.iter().find(|i| i.code == "P7").unwrap();
    assert_eq!(p7.result, Some(ItemResult::Fail));
    // X2 from the 心防 education records: 3 in the last year fail, 4 pass.
    let x2 = s.iter().find(|i| i.code == "X2").unwrap();
    assert_eq!(x2.scored_by, ScoredBy::Data);
    assert_eq!(x2.result, Some(ItemResult::Fail));
    let four = UnitFigures {
        education_last_year: 4,
        ..f.clone()
    };
    let s4 = sheet(&seed_items(Variant::AllUnits), &four);
    assert_eq!(
        s4.iter().find(|i| i.code == "X2").unwrap().result,
        Some(ItemResult::Pass)
    );
    // U4 (universities) from the gate's visit records: an entry without an exit fails.
    let uni = |entered, without| UnitFigures {
        visits_entered: entered,
        visits_exited: entered - without,
        visits_without_exit: without,
        ..f.clone()
    };
    let u4 = |f: &UnitFigures| {
        sheet(&seed_items(Variant::Universities), f)
            .into_iter()
            .find(|i| i.code == "U4")
            .unwrap()
    };
    assert_eq!(u4(&uni(5, 0)).scored_by, ScoredBy::Data);
    assert_eq!(u4(&uni(5, 0)).result, Some(ItemResult::Pass));
    assert_eq!(u4(&uni(5, 1)).result, Some(ItemResult::Fail));
    assert_eq!(u4(&uni(0, 0)).result, Some(ItemResult::Fail));
    assert_eq!(result(&s, 2).outcome_score, 15);
    assert_eq!(result(&s, 9).outcome_score, 0);
}

#[test]
fn the_cycle_is_two_years() {
    let now = Utc::now();
    assert_eq!(CycleStatus::of(None, now), CycleStatus::Overdue);
    assert_eq!(
        CycleStatus::of(Some(now - chrono::Duration::days(731)), now),
        CycleStatus::Overdue
    );
    assert_eq!(
        CycleStatus::of(Some(now - chrono::Duration::days(700)), now),
        CycleStatus::Due
    );
    assert_eq!(
        CycleStatus::of(Some(now - chrono::Duration::days(10)), now),
        CycleStatus::Current
    );
}
