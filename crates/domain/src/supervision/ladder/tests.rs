//! Property tests of the ladder: random sequences of actions by random actors at random times
//! never reach an illegal state, and from every reachable state a path ends closed or in a
//! penalty with a legal basis.

use super::*;
use chrono::TimeZone;
use proptest::prelude::*;

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 2, 1, 0, 0).unwrap()
}

fn action_strategy() -> impl Strategy<Value = (Actor, Action, i64)> {
    let day = 0i64..120;
    let rung = prop::sample::select(Rung::ALL.to_vec());
    let actor = prop::sample::select(vec![Actor::Police, Actor::Unit, Actor::System]);
    let action = prop_oneof![
        day.clone().prop_map(|d| Action::IssueOrder {
            deadline: t0() + Duration::days(d)
        }),
        Just(Action::FixOnSpot),
        Just(Action::Dismiss),
        Just(Action::SubmitRectification),
        any::<bool>().prop_map(|passed| Action::Recheck { passed }),
        day.clone().prop_map(|d| Action::RequestExtension {
            until: t0() + Duration::days(d)
        }),
        any::<bool>().prop_map(|approve| Action::DecideExtension { approve }),
        Just(Action::MarkOverdue),
        (rung, day.clone(), prop::option::of(0i64..60)).prop_map(|(rung, d, sev)| Action::Escalate {
            rung,
            deadline: t0() + Duration::days(d),
            severe_event_at: sev.map(|s| t0() - Duration::days(s)),
            interview_at: (rung == Rung::Interview).then(|| t0() + Duration::days(d)),
            interview_place: (rung == Rung::Interview).then(|| "分局会议室".to_string()),
        }),
        (
            prop::sample::select(vec![Harm::InjuryOrLoss, Harm::SeriousThreat]),
            0i64..200_000,
            prop::collection::vec(0i64..8_000, 0..3)
        )
            .prop_map(|(harm, unit, persons)| Action::DecideFine {
                fine: FineDecision {
                    harm,
                    unit_amount_yuan: unit,
                    persons: persons
                        .into_iter()
                        .enumerate()
                        .map(|(i, a)| PersonFine {
                            name: format!("责任人{i}"),
                            amount_yuan: a
                        })
                        .collect(),
                    recommend_discipline: false,
                },
            }),
        Just(Action::TransferCriminal),
    ];
    // Mostly the right actor, so that sequences get deep.
    (actor, action, any::<bool>(), 0i64..3).prop_map(|(a, act, right, dt)| {
        let who = if right { act.actor() } else { a };
        (who, act, dt)
    })
}

/// The invariants every reachable case satisfies.
fn check_invariants(c: &Case, order: &[Rung]) {
    if c.phase.has_deadline() {
        assert!(c.deadline.is_some(), "{c:?}");
    }
    if c.phase == Phase::Detected {
        assert!(c.deadline.is_none() && c.rungs.is_empty());
    }
    // Rungs follow the configured order, each at most once.
    let positions: Vec<usize> = c
        .rungs
        .iter()
        .map(|r| order.iter().position(|o| o == r).unwrap())
        .collect();
    assert!(positions.windows(2).all(|w| w[0] < w[1]), "{c:?}");
    // Rungs only after an overdue.
    if !c.rungs.is_empty() {
        assert!(c.was_overdue);
    }
    // A fine only with harm, overdue, and amounts in range.
    if matches!(c.phase, Phase::FineDecided | Phase::CriminalTransfer) {
        let fine = c.fine.as_ref().expect("fine recorded");
        assert!(c.was_overdue);
        assert!(check_fine(fine).is_ok());
    } else {
        assert!(c.fine.is_none());
    }
    // Listed supervision bars honours for at least 6 months from the listing.
    if let Some(listed) = c.listed_at {
        assert!(c.rungs.contains(&Rung::ListedSupervision));
        assert!(c.honours_bar_until.unwrap() >= months_after(listed, 6));
    } else {
        assert!(c.honours_bar_until.is_none());
    }
    if matches!(c.phase, Phase::FineDecided | Phase::CriminalTransfer) {
        assert!(c.extension.is_none());
    }
}

/// A way out: the actions that end the case from here (closed, or a penalty).
fn path_to_end(c: &Case, now: DateTime<Utc>, order: &[Rung]) -> Vec<(Actor, Action)> {
    let mut c = c.clone();
    let mut path = Vec::new();
    for _ in 0..6 {
        if c.phase.is_end() {
            return path;
        }
        let step = match c.phase {
            Phase::Detected => Action::Dismiss,
            Phase::Rectifying | Phase::Overdue => Action::SubmitRectification,
            Phase::RecheckPending => Action::Recheck { passed: true },
            _ => unreachable!(),
        };
        let t = c
            .apply(step.actor(), step.clone(), now, order)
            .expect("the way out is always legal");
        assert!(!t.legal_basis.is_empty());
        path.push((step.actor(), step));
    }
    assert!(c.phase.is_end(), "no way out from {c:?}");
    path
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn no_sequence_reaches_an_illegal_state(
        steps in prop::collection::vec(action_strategy(), 0..40),
        order_pick in 0usize..3,
    ) {
        let orders: [&[Rung]; 3] = [
            &Rung::DEFAULT_ORDER,
            &[Rung::Interview, Rung::ListedSupervision, Rung::Referral],
            &[Rung::ListedSupervision, Rung::Circular],
        ];
        let order = orders[order_pick];
        let mut case = Case::new();
        let mut now = t0();
        for (actor, action, dt) in steps {
            now += Duration::days(dt);
            let before = case.clone();
            match case.apply(actor, action.clone(), now, order) {
                Ok(t) => {
                    prop_assert_eq!(t.from, before.phase);
                    prop_assert_eq!(t.to, case.phase);
                    prop_assert!(!t.legal_basis.is_empty());
                    prop_assert_eq!(actor, action.actor());
                    // Ends stay ended: only a fine may become a criminal transfer.
                    if before.phase.is_end() {
                        prop_assert_eq!(before.phase, Phase::FineDecided);
                        prop_assert_eq!(case.phase, Phase::CriminalTransfer);
                    }
                    if case.phase == Phase::FineDecided {
                        prop_assert_eq!(before.phase, Phase::Overdue);
                    }
                }
                Err(_) => prop_assert_eq!(&case, &before, "a refused action changes nothing"),
            }
            check_invariants(&case, order);
            let _ = path_to_end(&case, now, order);
        }
    }
}

#[test]
fn walk_order_overdue_interview_listed_recheck_pass() {
    let order = Rung::DEFAULT_ORDER;
    let mut c = Case::new();
    let t = t0();
    c.apply(
        Actor::Police,
        Action::IssueOrder {
            deadline: t + Duration::days(7),
        },
        t,
        &order,
    )
    .unwrap();
    assert_eq!(
        c.apply(Actor::System, Action::MarkOverdue, t + Duration::days(6), &order),
        Err(LadderError::DeadlineNotPassed)
    );
    c.apply(Actor::System, Action::MarkOverdue, t + Duration::days(7), &order)
        .unwrap();
    assert_eq!(c.phase, Phase::Overdue);
    let deadline = t + Duration::days(20);
    let interview = |at: Option<DateTime<Utc>>, place: Option<&str>| Action::Escalate {
        rung: Rung::Interview,
        deadline,
        severe_event_at: None,
        interview_at: at,
        interview_place: place.map(str::to_string),
    };
    let now = t + Duration::days(8);
    // A 约谈 names its time and place (the 约谈通知书 states them), within the new deadline.
    assert_eq!(
        c.clone()
            .apply(Actor::Police, interview(None, Some("分局会议室")), now, &order),
        Err(LadderError::InterviewDetailMissing("约谈时间"))
    );
    assert_eq!(
        c.clone().apply(
            Actor::Police,
            interview(Some(now + Duration::days(2)), Some("  ")),
            now,
            &order
        ),
        Err(LadderError::InterviewDetailMissing("约谈地点"))
    );
    assert_eq!(
        c.clone().apply(
            Actor::Police,
            interview(Some(deadline + Duration::days(1)), Some("分局会议室")),
            now,
            &order
        ),
        Err(LadderError::InterviewTime)
    );
    c.apply(
        Actor::Police,
        interview(Some(now + Duration::days(2)), Some("分局会议室")),
        now,
        &order,
    )
    .unwrap();
    c.apply(Actor::System, Action::MarkOverdue, deadline, &order).unwrap();
    // Going back down the ladder is refused.
    let back = Action::Escalate {
        rung: Rung::Circular,
        deadline: t + Duration::days(40),
        severe_event_at: None,
        interview_at: None,
        interview_place: None,
    };
    assert_eq!(
        c.apply(Actor::Police, back, t + Duration::days(21), &order),
        Err(LadderError::RungOutOfOrder { rung: Rung::Circular })
    );
    let listed_at = t + Duration::days(21);
    let d2 = t + Duration::days(51);
    c.apply(
        Actor::Police,
        Action::Escalate {
            rung: Rung::ListedSupervision,
            deadline: d2,
            severe_event_at: None,
            interview_at: None,
            interview_place: None,
        },
        listed_at,
        &order,
    )
    .unwrap();
    assert_eq!(c.honours_bar_until, Some(months_after(listed_at, 6)));
    c.apply(Actor::Unit, Action::SubmitRectification, t + Duration::days(40), &order)
        .unwrap();
    c.apply(
        Actor::Police,
        Action::Recheck { passed: true },
        t + Duration::days(41),
        &order,
    )
    .unwrap();
    assert_eq!(c.phase, Phase::Closed);
    assert!(c
        .apply(Actor::Police, Action::Dismiss, t + Duration::days(42), &order)
        .is_err());
}

#[test]
fn missed_listed_deadline_bars_honours_for_a_year_from_it() {
    let order = Rung::DEFAULT_ORDER;
    let mut c = Case::new();
    let t = t0();
    c.apply(
        Actor::Police,
        Action::IssueOrder {
            deadline: t + Duration::days(1),
        },
        t,
        &order,
    )
    .unwrap();
    c.apply(Actor::System, Action::MarkOverdue, t + Duration::days(1), &order)
        .unwrap();
    let d2 = t + Duration::days(30);
    c.apply(
        Actor::Police,
        Action::Escalate {
            rung: Rung::ListedSupervision,
            deadline: d2,
            severe_event_at: None,
            interview_at: None,
            interview_place: None,
        },
        t + Duration::days(2),
        &order,
    )
    .unwrap();
    c.apply(Actor::System, Action::MarkOverdue, d2, &order).unwrap();
    assert_eq!(c.honours_bar_until, Some(months_after(d2, 12)));
}

#[test]
fn fine_only_when_overdue_and_in_range() {
    let order = Rung::DEFAULT_ORDER;
    let mut c = Case::new();
    let t = t0();
    let fine = |unit, person| FineDecision {
        harm: Harm::SeriousThreat,
        unit_amount_yuan: unit,
        persons: vec![PersonFine {
            name: "张三".into(),
            amount_yuan: person,
        }],
        recommend_discipline: true,
    };
    c.apply(
        Actor::Police,
        Action::IssueOrder {
            deadline: t + Duration::days(7),
        },
        t,
        &order,
    )
    .unwrap();
    assert_eq!(
        c.apply(
            Actor::Police,
            Action::DecideFine {
                fine: fine(20_000, 1_000)
            },
            t,
            &order
        ),
        Err(LadderError::FineNotAllowed)
    );
    c.apply(Actor::System, Action::MarkOverdue, t + Duration::days(7), &order)
        .unwrap();
    let later = t + Duration::days(8);
    assert!(matches!(
        c.apply(
            Actor::Police,
            Action::DecideFine {
                fine: fine(9_999, 1_000)
            },
            later,
            &order
        ),
        Err(LadderError::AmountOutOfRange { .. })
    ));
    assert!(matches!(
        c.apply(
            Actor::Police,
            Action::DecideFine {
                fine: fine(10_000, 5_001)
            },
            later,
            &order
        ),
        Err(LadderError::AmountOutOfRange { .. })
    ));
    assert_eq!(
        c.apply(
            Actor::Unit,
            Action::DecideFine {
                fine: fine(10_000, 500)
            },
            later,
            &order
        ),
        Err(LadderError::WrongActor)
    );
    c.apply(
        Actor::Police,
        Action::DecideFine {
            fine: fine(100_000, 5_000),
        },
        later,
        &order,
    )
    .unwrap();
    assert_eq!(c.phase, Phase::FineDecided);
    c.apply(Actor::Police, Action::TransferCriminal, later, &order).unwrap();
    assert_eq!(c.phase, Phase::CriminalTransfer);
}

#[test]
fn extension_moves_the_deadline_once_approved() {
    let order = Rung::DEFAULT_ORDER;
    let mut c = Case::new();
    let t = t0();
    c.apply(
        Actor::Police,
        Action::IssueOrder {
            deadline: t + Duration::days(7),
        },
        t,
        &order,
    )
    .unwrap();
    let until = t + Duration::days(14);
    assert!(c
        .apply(
            Actor::Unit,
            Action::RequestExtension {
                until: t + Duration::days(200)
            },
            t,
            &order
        )
        .is_err());
    c.apply(
        Actor::Unit,
        Action::RequestExtension { until },
        t + Duration::days(1),
        &order,
    )
    .unwrap();
    assert!(c
        .apply(
            Actor::Unit,
            Action::RequestExtension { until },
            t + Duration::days(1),
            &order
        )
        .is_err());
    c.apply(
        Actor::Police,
        Action::DecideExtension { approve: true },
        t + Duration::days(2),
        &order,
    )
    .unwrap();
    assert_eq!(c.deadline, Some(until));
    assert_eq!(
        c.apply(Actor::System, Action::MarkOverdue, t + Duration::days(7), &order),
        Err(LadderError::DeadlineNotPassed)
    );
}

#[test]
fn severe_event_dates_are_bounded_and_nothing_overflows() {
    let order = Rung::DEFAULT_ORDER;
    let t = t0();
    let listed = |event| Action::Escalate {
        rung: Rung::ListedSupervision,
        deadline: t + Duration::days(40),
        severe_event_at: Some(event),
        interview_at: None,
        interview_place: None,
    };
    let mut c = Case::new();
    c.apply(
        Actor::Police,
        Action::IssueOrder {
            deadline: t + Duration::days(1),
        },
        t,
        &order,
    )
    .unwrap();
    c.apply(Actor::System, Action::MarkOverdue, t + Duration::days(1), &order)
        .unwrap();
    let now = t + Duration::days(2);
    for bad in [
        DateTime::<Utc>::MAX_UTC,
        now + Duration::days(1),
        now - Duration::days(4 * 365),
    ] {
        assert_eq!(
            c.apply(Actor::Police, listed(bad), now, &order),
            Err(LadderError::SevereEventDate)
        );
    }
    let event = now - Duration::days(10);
    c.apply(Actor::Police, listed(event), now, &order).unwrap();
    assert_eq!(c.honours_bar_until, Some(months_after(event, 12)));
    assert_eq!(months_after(DateTime::<Utc>::MAX_UTC, 12), DateTime::<Utc>::MAX_UTC);
}

#[test]
fn invisible_names_are_refused_in_fines() {
    let fine = FineDecision {
        harm: Harm::InjuryOrLoss,
        unit_amount_yuan: 10_000,
        persons: vec![PersonFine {
            name: "\u{202E}".into(),
            amount_yuan: 600,
        }],
        recommend_discipline: false,
    };
    assert!(check_fine(&fine).is_err());
}

#[test]
fn names_of_fined_persons_hold_no_numbers() {
    let fine = |name: &str| FineDecision {
        harm: Harm::InjuryOrLoss,
        unit_amount_yuan: 10_000,
        persons: vec![PersonFine {
            name: name.into(),
            amount_yuan: 600,
        }],
        recommend_discipline: false,
    };
    assert!(check_fine(&fine("张三")).is_ok());
    for bad in ["张三 11010519491231002X", "张三13812345678", "李四（浙A12345）"] {
        assert!(check_fine(&fine(bad)).is_err(), "{bad}");
    }
}
