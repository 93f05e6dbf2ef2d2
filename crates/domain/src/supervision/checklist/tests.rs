//! Tests of the checklist seeds and scoring.

use super::*;

#[test]
fn the_base_sheet_cites_no_other_province() {
    // The sheet applies Zhejiang and national law; other provinces' rules are not its basis
    // (T6 cited a Shandong school regulation; docs/REQUIREMENTS.md §d).
    for it in seed_items(Variant::AllUnits) {
        assert!(!it.basis.contains("山东"), "{} {}", it.code, it.basis);
    }
    let t6 = seed_items(Variant::AllUnits)
        .into_iter()
        .find(|i| i.code == "T6")
        .unwrap();
    assert!(t6.basis.contains("第十一条第（四）项、第十四条"), "{}", t6.basis);
}

#[test]
fn seeds_are_valid_and_weigh_about_a_hundred() {
    for v in Variant::ALL {
        let items = seed_items(v);
        validate_items(&items).unwrap();
        let total: f64 = items.iter().map(|i| i.weight).sum();
        assert!((90.0..=130.0).contains(&total), "{v:?} {total}");
    }
    let base: f64 = seed_items(Variant::AllUnits).iter().map(|i| i.weight).sum();
    assert_eq!(base, 92.0);
}

#[test]
fn score_caps_on_a_critical_failure_and_explains_itself() {
    let items = seed_items(Variant::AllUnits);
    let all_pass = score(&items, |_| Some(ItemResult::Pass));
    assert_eq!(all_pass.total, 100.0);
    let w3_fails = score(&items, |c| {
        Some(if c == "W3" { ItemResult::Fail } else { ItemResult::Pass })
    });
    assert!(w3_fails.capped_by_critical);
    assert_eq!(w3_fails.total, 59.0);
    assert_eq!(w3_fails.failed, vec!["W3".to_string()]);
    let z2_na = score(&items, |c| {
        Some(if c == "Z2" {
            ItemResult::NotApplicable
        } else {
            ItemResult::Pass
        })
    });
    assert_eq!(z2_na.total, 100.0);
    let z6_fails = score(&items, |c| {
        Some(if c == "Z6" { ItemResult::Fail } else { ItemResult::Pass })
    });
    assert_eq!(z6_fails.total, ((87.0 / 92.0 * 100.0_f64) * 10.0).round() / 10.0);
    let inst = z6_fails
        .by_defence
        .iter()
        .find(|d| d.defence == Defence::Institutional)
        .unwrap();
    assert_eq!((inst.earned, inst.applicable), (16.0, 21.0));
}

#[test]
fn bad_items_are_refused() {
    let mut items = seed_items(Variant::AllUnits);
    items[1].code = items[0].code.clone();
    assert!(validate_items(&items).is_err());
    let mut items = seed_items(Variant::AllUnits);
    items[0].weight = f64::NAN;
    assert!(validate_items(&items).is_err());
    assert!(validate_items(&[]).is_err());
}
