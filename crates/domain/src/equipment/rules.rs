//! The pure rules: which minimum sets apply to a post, what it lacks, what is flagged, and the
//! unit's summary (docs/EQUIPMENT.md; R35: 单位应当配备防护器械 — Zhejiang Opinions Part 4).

use std::collections::BTreeMap;

use chrono::NaiveDate;

use super::records::*;
use super::vocab::*;

/// The minimum set of a post of kind `kind` at a unit with `facts`: per type the largest
/// quantity of the sets that apply, with the names of those sets.
pub fn required(standards: &[Standard], facts: &UnitFacts, kind: PostKind) -> (Vec<StandardItem>, Vec<String>) {
    let mut need: BTreeMap<ItemType, i64> = BTreeMap::new();
    let mut names = Vec::new();
    for s in standards {
        if !applies(&s.applies_to, facts) || s.post_kind.is_some_and(|k| k != kind) {
            continue;
        }
        names.push(s.name.clone());
        for i in &s.items {
            let q = need.entry(i.item_type).or_insert(0);
            *q = (*q).max(i.quantity);
        }
    }
    let items = need
        .into_iter()
        .map(|(item_type, quantity)| StandardItem { item_type, quantity })
        .collect();
    (items, names)
}

/// What is wrong with a post on `today`: each type below its minimum (only usable items count:
/// not expired, last check not 损坏/缺失/过期), each expired item, each item whose last check
/// found it damaged, missing or expired.
pub fn flags(items: &[Item], required: &[StandardItem], today: NaiveDate) -> Vec<Flag> {
    let mut out = Vec::new();
    for r in required {
        let have: i64 = items
            .iter()
            .filter(|i| i.item_type == r.item_type && i.usable(today))
            .map(|i| i.quantity)
            .sum();
        if have < r.quantity {
            out.push(Flag {
                code: format!("short:{}", r.item_type.code()),
                kind: "short".into(),
                detail: format!(
                    "{}低于最低配备：应配 {}，现有可用 {}",
                    r.item_type.label_zh(),
                    r.quantity,
                    have
                ),
            });
        }
    }
    for i in items {
        if let Some(e) = i.expires_on.filter(|_| i.expired(today)) {
            out.push(Flag {
                code: format!("expired:{}", i.id),
                kind: "expired".into(),
                detail: format!("{}（{} 件）已过有效期（{}）", i.item_type.label_zh(), i.quantity, e),
            });
        }
        if let Some(c) = i.last_check.as_ref().filter(|_| i.checked_bad()) {
            out.push(Flag {
                code: format!("check:{}", i.id),
                kind: "check".into(),
                detail: format!(
                    "{} {} 检查结果：{}",
                    i.item_type.label_zh(),
                    c.checked_on,
                    c.result.label_zh()
                ),
            });
        }
    }
    out
}

/// The posts of a unit with their minimum sets and flags on `today`.
pub fn views(data: &UnitEquipmentData, standards: &[Standard], today: NaiveDate) -> Vec<PostView> {
    data.posts
        .iter()
        .map(|p| {
            let items: Vec<Item> = data.items.iter().filter(|i| i.post_id == p.id).cloned().collect();
            let (req, names) = required(standards, &data.facts, p.kind);
            let flags = flags(&items, &req, today);
            PostView {
                post: p.clone(),
                items,
                required: req,
                standards: names,
                flags,
            }
        })
        .collect()
}

/// The unit's summary of `views` on `today`.
pub fn summary(unit_id: &str, views: &[PostView], today: NaiveDate) -> EquipmentSummary {
    let items = || views.iter().flat_map(|v| v.items.iter());
    EquipmentSummary {
        unit_id: unit_id.to_string(),
        posts: views.len() as i64,
        posts_below_minimum: views.iter().filter(|v| v.below_minimum()).count() as i64,
        expired_items: items().filter(|i| i.expired(today)).count() as i64,
        damaged_or_missing: items().filter(|i| i.checked_bad()).count() as i64,
        last_check_on: items()
            .filter_map(|i| i.last_check.as_ref().map(|c| c.checked_on))
            .max(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Utc;

    fn item(t: ItemType, q: i64, expires: Option<&str>) -> Item {
        Item {
            id: format!("i-{}", t.code()),
            post_id: "p".into(),
            unit_id: "u".into(),
            item_type: t,
            quantity: q,
            purchased_on: "2025-01-01".parse().unwrap(),
            expires_on: expires.map(|e| e.parse().unwrap()),
            note: String::new(),
            version: 1,
            updated_at: Utc::now(),
            last_check: None,
        }
    }

    fn school_gate() -> Standard {
        Standard {
            id: "s".into(),
            name: "学校门卫室".into(),
            applies_to: "university".into(),
            post_kind: Some(PostKind::Gate),
            items: vec![
                StandardItem {
                    item_type: ItemType::Shield,
                    quantity: 1,
                },
                StandardItem {
                    item_type: ItemType::StabVest,
                    quantity: 2,
                },
            ],
            source: String::new(),
            version: 1,
            updated_at: Utc::now(),
        }
    }

    #[test]
    fn a_school_gate_short_of_a_shield_is_flagged() {
        let facts = UnitFacts {
            is_university: true,
            ..Default::default()
        };
        let today: NaiveDate = "2026-06-01".parse().unwrap();
        let (req, names) = required(&[school_gate()], &facts, PostKind::Gate);
        assert_eq!(names, vec!["学校门卫室"]);
        let items = vec![item(ItemType::StabVest, 2, None)];
        let f = flags(&items, &req, today);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].code, "short:shield");
        let items = vec![item(ItemType::StabVest, 2, None), item(ItemType::Shield, 1, None)];
        assert!(flags(&items, &req, today).is_empty());
        // Another post kind, another class: nothing applies.
        assert!(required(&[school_gate()], &facts, PostKind::ControlRoom).0.is_empty());
        assert!(required(&[school_gate()], &UnitFacts::default(), PostKind::Gate)
            .0
            .is_empty());
    }

    #[test]
    fn an_expired_item_is_flagged_and_does_not_count() {
        let today: NaiveDate = "2026-06-01".parse().unwrap();
        let (req, _) = required(
            &[school_gate()],
            &UnitFacts {
                is_university: true,
                ..Default::default()
            },
            PostKind::Gate,
        );
        let items = vec![
            item(ItemType::StabVest, 2, Some("2026-05-31")),
            item(ItemType::Shield, 1, Some("2026-06-01")),
        ];
        let f = flags(&items, &req, today);
        let codes: Vec<&str> = f.iter().map(|f| f.code.as_str()).collect();
        assert_eq!(codes, vec!["short:stab_vest", "expired:i-stab_vest"]);
    }

    #[test]
    fn classes_match_units() {
        let f = UnitFacts {
            is_key_unit: true,
            key_unit_category: Some(7),
            ..Default::default()
        };
        assert!(applies("key_category_7", &f) && applies("key_unit", &f) && applies("all", &f));
        assert!(!applies("key_category_4", &f) && !applies("university", &f));
        assert!(applies_to_codes().iter().all(|c| applies_to_label(c).is_some()));
        assert_eq!(applies_to_label("key_category_12"), None);
    }
}
